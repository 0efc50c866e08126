# Haut, tilaukset ja muistutukset. Merkintä: tyhjä rivi = uusi kappale, "- " = luettelon kohta,
# **lihavointi**, [teksti](osoite). Ulkopuolinen data (otsikot, vyöhykkeet, käyttäjän syöte) tulee valmiiksi suojattuna.

## Kestot: "3 päivää", "1 päivä ja 4 tuntia". $count on kokonaisluku.

duration-days = { $count ->
        [one] { $count } päivä
       *[other] { $count } päivää
    }
duration-hours = { $count ->
        [one] { $count } tunti
       *[other] { $count } tuntia
    }
duration-minutes = { $count ->
        [one] { $count } minuutti
       *[other] { $count } minuuttia
    }

# Yksi muistutusaika: "7 päivää ennen". Useampi yhdistetään kielen tavalla (CLDR:n luettelot).
lead-before = { $duration } ennen

# Hetki aikavyöhykkeineen: "17. lokakuuta 2024 klo 23.59 (Europe/Brussels)".
datetime-zoned = { $datetime } ({ $zone })

# Hiljaiset tunnit paikallisina kellonaikoina.
quiet-range = { $start }–{ $end }

## /calls

calls-heading = Avoimet haut ja tulevat tapahtumat (ajat vyöhykkeellä { $zone }):
calls-item-call = **{ $title }**: haku päättyy { $when }, aikaa { $left }. Muistutukset: /subscribe { $id }
calls-item-event = **{ $title }**{ $has_location ->
        [yes] , { $location }
       *[no] {""}
    }: alkaa { $when }, { $left } päästä. Muistutukset: /subscribe { $id }
calls-more = …ja { NUMBER($count) } muuta.
calls-footer = /subscribe muistuttaa tässä chatissa jokaisesta määräajasta: { $leads }; /remind valitsee muut ajat.
calls-none-last-call =
    Avoimia hakuja tai tulevia tapahtumia ei ole juuri nyt. Viimeisin oli **{ $title }**, jonka haku päättyi { $date }.

    Kun uusia hakuja julkaistaan, listaan ne tänne. Komennolla /subscribe muistutan sinua ennen niiden määräaikoja.
calls-none-last-event =
    Avoimia hakuja tai tulevia tapahtumia ei ole juuri nyt. Viimeisin oli **{ $title }**, joka pidettiin { $date }.

    Kun uusia hakuja julkaistaan, listaan ne tänne. Komennolla /subscribe muistutan sinua ennen niiden määräaikoja.
calls-none =
    En tiedä vielä yhtään hakua tai tapahtumaa. Komennolla /subscribe muistutan sinua uusien hakujen määräajoista.
button-subscribe = Muistuta: { $title }

## /subscribe ja /unsubscribe

target-all = kaikki haut ja tapahtumat
target-call = **{ $title }**
target-topic = aiheen ”{ $topic }” haut

subscribe-done = Selvä! Tilaus tehty: { $what }. Muistutan tässä chatissa { $leads } määräaikaa.
subscribe-already = Tämä chat seuraa jo: { $what }. Muistutukset tulevat { $leads } määräaikaa.
subscribe-unknown = En tunne hakua tai aihetta ”{ $query }”. /calls näyttää avoimet haut tunnisteineen; pelkkä /subscribe tilaa ne kaikki.
subscribe-closed = Haku **{ $title }** päättyi jo { $date }, joten siitä ei ole enää muistutettavaa. /calls näyttää avoimet haut.
next-reminder = Seuraava muistutus tulee { $at }: **{ $title }**.
next-reminder-none = Muistutuksia ei ole nyt tulossa, koska mikään seuraamistasi hauista ei ole auki. Muistutan heti, kun uusi haku julkaistaan.

unsubscribe-all-done = { $count ->
        [one] Selvä: poistin tämän chatin tilauksen. Muistutuksia ei enää tule.
       *[other] Selvä: poistin tämän chatin { NUMBER($count) } tilausta. Muistutuksia ei enää tule.
    }
unsubscribe-none = Tällä chatilla ei ole tilauksia, joten lopetettavaa ei ole.
unsubscribe-done = Selvä: muistutuksia ei enää tule (tilaus: { $what }).
unsubscribe-not-subscribed = Tämä chat ei seuraa erikseen tilausta { $what }.
unsubscribe-covered = Muistutuksia tulee silti toisen tilauksen kautta (katso /subscriptions). Yhden haun muistutukset saat loppumaan painamalla sen muistutuksessa ”Hain jo” tai komennolla /unsubscribe all.
button-unsubscribe = Lopeta: { $title }

## /subscriptions

subscriptions-heading = Tämä chat seuraa:
subscriptions-settings = Muistutukset tulevat { $leads } kutakin määräaikaa (/remind). Aikavyöhyke: { $zone } (/timezone). Hiljaiset tunnit: { $quiet } (/quiet).
subscriptions-none = Tällä chatilla ei ole vielä tilauksia. Komennolla /subscribe seuraat kaikkia hakuja, komennolla /calls voit valita yhden.
quiet-none = ei asetettu

## /remind

remind-current = Muistutukset tulevat { $leads } kutakin määräaikaa. Voit muuttaa niitä esimerkiksi komennolla /remind 3d 2h (d = päivät, h = tunnit, m = minuutit) tai palata oletusaikoihin komennolla /remind default.
remind-set = Selvä: muistutukset tulevat { $leads } kutakin määräaikaa.
remind-bad = En ymmärrä muistutusaikaa ”{ $input }”. Anna enintään { NUMBER($max) } aikaa, kukin 5 minuutin ja 60 päivän väliltä, esimerkiksi /remind 7d 1d 2h tai /remind 30m.

## /timezone

timezone-current = Tämän chatin aikavyöhyke on { $zone }; kello on nyt { $now }. Vaihda se komennolla /timezone ja vyöhykkeen nimellä, esimerkiksi /timezone Europe/Helsinki.
timezone-set = Selvä: ajat näytetään nyt vyöhykkeellä { $zone }. Kello on nyt { $now }.
timezone-unknown = En tunne aikavyöhykettä ”{ $zone }”. Käytä IANA-luettelon nimeä, esimerkiksi Europe/Helsinki, Europe/Brussels tai America/New_York.
timezone-unknown-suggest = En tunne aikavyöhykettä ”{ $zone }”. Tarkoititko { $suggestions }? Esimerkiksi: /timezone Europe/Helsinki

## /quiet

quiet-current = Hiljaiset tunnit: { $quiet }. Niiden aikana erääntyvät muistutukset odottavat niiden loppuun, ellei määräaika mene sitä ennen umpeen. /quiet off poistaa ne.
quiet-current-none = Hiljaisia tunteja ei ole asetettu: muistutukset tulevat heti, kun ne erääntyvät. Aseta ne esimerkiksi komennolla /quiet 22:00-07:00.
quiet-set = Selvä: hiljaiset tunnit ovat { $quiet } ({ $zone }). Niiden aikana erääntyvät muistutukset odottavat niiden loppuun, ellei määräaika mene sitä ennen umpeen.
quiet-off = Selvä: hiljaiset tunnit poistettu. Muistutukset tulevat heti, kun ne erääntyvät.
quiet-bad = En ymmärrä hiljaisia tunteja ”{ $input }”. Anna alku- ja loppuaika, esimerkiksi /quiet 22:00-07:00, tai /quiet off.

## /ics

ics-ready = { $count ->
        [one] Tässä seuraamasi määräaika kalenteritiedostona muistutuksineen. Avaa se lisätäksesi sen kalenteriisi.
       *[other] Tässä seuraamasi { NUMBER($count) } määräaikaa kalenteritiedostona muistutuksineen. Avaa se lisätäksesi ne kalenteriisi.
    }
ics-no-subscriptions = Tämä chat ei vielä seuraa hakuja, joten lähetettävää kalenteria ei ole. Tilaa ensin komennolla /subscribe.
ics-nothing-open = Mikään seuraamistasi hauista ei ole nyt auki, joten kalenteri olisi tyhjä.

## Muistutukset ja niiden painikkeet

reminder-call = ⏰ Haku **{ $title }** päättyy { $left } päästä: { $when }.
reminder-event = ⏰ **{ $title }** alkaa { $left } päästä: { $when }.
deadline-changed = 📅 Haun **{ $title }** määräaika on muuttunut: nyt { $when } (aiemmin { $previous }). Aikaa { $left }.
event-changed = 📅 Tapahtuman **{ $title }** ajankohta on muuttunut: se alkaa nyt { $when } (aiemmin { $previous }).
call-link = Lisätietoja: { $url }
button-snooze = Muistuta uudelleen { $after } päästä
button-applied = ✅ Hain jo, lopeta muistutukset
button-stop-event = ✅ Lopeta tämän muistutukset
snooze-done = Muistutan hausta **{ $title }** uudelleen { $at }.
snooze-too-late = Haun **{ $title }** määräaika tulee ennen sitä, joten en voi siirtää tätä muistutusta.
applied-done = Onnea hakuun! Haun **{ $title }** muistutuksia ei enää tule tähän chattiin. Muutitko mielesi? /subscribe { $id }
applied-done-event = Selvä: tapahtuman **{ $title }** muistutuksia ei enää tule tähän chattiin. Muutitko mielesi? /subscribe { $id }
call-gone = Hakua ei enää ole listalla. /calls näyttää avoimet haut.
