# Uutiskirjekoosteet: /digest ja itse koosteet. Merkinnät: tyhjä rivi = uusi kappale,
# "- " = luettelon kohta, **lihavointi**, [teksti](osoite). Ulkopuolista tietoa sisältävät muuttujat
# (otsikot, lähteet, käyttäjän syöte) tulevat valmiiksi suojattuina. $weekday on luku (1 = maanantai).

## Milloin kooste tulee

digest-when-daily = joka päivä klo { $time }
digest-when-weekly = joka { $weekday ->
        [1] maanantai
        [2] tiistai
        [3] keskiviikko
        [4] torstai
        [5] perjantai
        [6] lauantai
       *[7] sunnuntai
    } klo { $time }

## /digest

digest-current =
    Tämä chat saa uutiskirjekoosteen { $when } ({ $zone }). Seuraava on tulossa { $next }, jos uutisia on siihen mennessä.

    /digest preview näyttää, mitä siinä on tähän mennessä; /digest off lopettaa koosteet.
digest-current-off =
    Tämä chat ei vielä saa uutiskirjekoostetta. Kooste kokoaa ECCP:n ja allianssin uutiset, uudet haut ja pian päättyvät määräajat yhteen viestiin.

    - /digest weekly: { $when } ({ $zone })
    - /digest weekly pe 14.00: toinen päivä ja kellonaika
    - /digest daily 8.30: joka päivä
    - /digest preview: mitä siinä olisi nyt
digest-set =
    Valmista! Tämä chat saa uutiskirjekoosteen { $when } ({ $zone }), ensimmäisen { $next }. Koostetta ei lähetetä, jos siinä ei ole mitään uutta, ja hiljaiset tunnit siirtävät sen niiden päättymiseen.

    /digest preview näyttää, mitä siinä on tähän mennessä; /timezone vaihtaa aikavyöhykkeen.
digest-off = Valmista: tähän chattiin ei enää tule uutiskirjekoosteita. /digest weekly ottaa ne taas käyttöön.
digest-bad = En ymmärtänyt, mitä “{ $input }” tarkoittaa. Kokeile: /digest weekly, /digest weekly pe 14.00, /digest daily 8.30, /digest preview tai /digest off.

digest-preview = Esikatselu seuraavasta koosteesta ({ $next }) siihen mennessä saapuneella sisällöllä:
digest-preview-empty = Edellisen koosteen jälkeen ei ole tullut mitään uutta. Seuraava kooste on tulossa { $next }; jos uutta ei silloinkaan ole, se jää väliin.
digest-preview-off = Tämä chat ei vielä saa koostetta (/digest weekly lähettää sen { $when }). Tältä se näyttäisi nyt:
digest-preview-off-empty = Viime aikoina ei ole tullut mitään uutta. /digest weekly lähettää koosteen { $when } aina, kun uutisia on.

## Kooste

digest-heading-weekly = **Viikon kooste**, { $date }
digest-heading-daily = **Päivän kooste**, { $date }

# Lähde (syöte tai julkaisija) kohteidensa yläpuolella. Kohteiden otsikot ovat alkuperäisellä kielellään.
digest-source = **{ $source }**
# Mitä kohteen linkitetyn otsikon perään tulee: päivämäärä ja tiivistelmän alku.
digest-item = { $has_date ->
        [yes] · { $date }
       *[no] {""}
    }{ $has_summary ->
        [yes] {" "}— { $summary }
       *[no] {""}
    }
digest-more-items = …ja { NUMBER($count) } { $count ->
        [one] muu uutinen
       *[other] muuta uutista
    }.

digest-calls-heading = **Uudet ja muuttuneet haut**
digest-call-new = Uusi: **{ $title }**, haku päättyy { $when }. /subscribe { $id }
digest-call-moved = Määräaika muuttui: **{ $title }**, nyt { $when }. /subscribe { $id }
digest-event-new = Uusi tapahtuma: **{ $title }**, alkaa { $when }. /subscribe { $id }
digest-event-moved = Ajankohta muuttui: **{ $title }**, nyt { $when }. /subscribe { $id }

digest-closing-heading = **Päättyy pian**
digest-closing-call = **{ $title }**: päättyy { $when }, aikaa { $left }
digest-closing-event = **{ $title }**: alkaa { $when }, { $left } päästä

digest-footer = /digest muuttaa koosteen ajankohtaa; /digest off lopettaa sen.
