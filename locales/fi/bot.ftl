# Keskusteluviestit. Merkintä: tyhjä rivi = uusi kappale, "- " = luettelon kohta, **lihavointi**, [teksti](osoite).

# Tämän kielen oma nimi kielivalikossa.
language-name = suomi

welcome =
    Hei! Olen **ecabot**, Euroopan klusteriallianssin avustaja.

    Kysy minulta allianssista omin sanoin, esimerkiksi "Miten liitymme allianssiin?" tai "Kuka on Puolan jäsen?", tai valitse aihe alta. Voit vaihtaa kieltä komennolla /language (kielet: { $languages }).

help =
    Kysy omin sanoin tai käytä komentoa:

    - /topics: kaikki aiheet, joista voin kertoa
    - /members maa: maan jäsenjärjestö, esimerkiksi /members Suomi
    - /join, /eligibility, /events ja muut aiheiden nimet: suoraan aiheeseen
    - /calls: avoimet haut ja tulevat tapahtumat
    - /subscribe: määräaikamuistutukset (/subscriptions, /remind, /timezone, /quiet, /ics, /unsubscribe)
    - /digest: uutiskirjekooste tähän chattiin viikoittain tai päivittäin
    - /language: näytä tai vaihda kieltä
    - /help: tämä ohje

topics-intro = Näistä voin kertoa. Valitse aihe:

unknown-question =
    Valitettavasti en tiedä siitä. Vastaan kysymyksiin Euroopan klusteriallianssista, sen jäsenistä, tapahtumista ja hauista.

    Kokeile kysyä toisin sanoin tai valitse aihe:

see-also = Tarkoititko ehkä myös:

unknown-command = En tunne komentoa /{ $command }. Kirjoita /help, niin näet, mitä osaan.

empty-input = Kysy minulta mitä tahansa Euroopan klusteriallianssista tai valitse aihe:

no-words = Ymmärrän vain tekstinä kirjoitettuja kysymyksiä. Kysy sanoin tai valitse aihe:

too-long = Viestisi on minulle liian pitkä ({ NUMBER($length) } merkkiä). Kysy enintään { NUMBER($max) } merkillä.

unknown-deep-link = Linkki ei ole enää voimassa. Näistä voin kertoa:

language-current = Käytössä oleva kieli: { $language }. Kaikki kielet: { $languages }. Vaihda kieltä komennolla /language ja kielikoodi, esimerkiksi /language en, tai /language auto, niin seuraan sovelluksesi kieltä.

language-set = Puhun tästä lähtien tässä keskustelussa suomea.

language-auto = Seuraan tästä lähtien sovelluksesi kieltä (nyt: { $language }).

language-unknown = En vielä puhu kieltä ”{ $code }”. Valitse jokin näistä: { $languages }.

store-error = Valitettavasti en saanut tallennettua sitä juuri nyt. Yritä hetken päästä uudelleen.

button-topics = Kaikki aiheet

members-list-heading = Allianssin kansalliset jäsenjärjestöt (vuoden { $as_of } luettelo):

members-in-country =
    { $count ->
        [one] { $country_in } allianssin jäsen on **{ $associations }**.
       *[other] { $country_in } allianssilla on { $count } jäsenjärjestöä: { $associations }.
    } Ota heihin yhteyttä: he yhdistävät maansa klusterit allianssiin.

members-none-in-country = { $country_in } ei ole allianssin kansallista jäsenjärjestöä (jäsenluettelo vuodelta { $as_of }). Voit silti ottaa yhteyttä suoraan allianssiin: katso /contact.

members-unknown-country = En tunnista maata ”{ $query }”. Jäseniä on näissä maissa: { $countries }.

join-country-member = { $country_in } reittisi allianssiin on { $associations }.

slow-down = Kirjoitat nopeammin kuin ehdin lukea. Pidän tästä keskustelusta pienen tauon ja vastaan taas minuutin päästä.

admins-only = Ryhmässä vain sen ylläpitäjät voivat muuttaa tilauksia, kieltä, aikavyöhykettä ja hiljaisia tunteja. Kysyä voivat kaikki.

admins-unknown = En pystynyt tarkistamaan, oletko tämän ryhmän ylläpitäjä, joten en muuttanut mitään. Yritä hetken päästä uudelleen.

## Syöttökentän vieressä näkyvä komentovalikko (kukin yksi rivi, enintään 256 merkkiä).
menu-start = Tervetuloa ja aihevalikko
menu-help = Mitä osaan ja miten kysyä
menu-topics = Kaikki aiheet, joista voin kertoa
menu-calls = Avoimet haut ja tulevat tapahtumat
menu-subscribe = Muistutukset määräajoista
menu-subscriptions = Mistä tämä keskustelu saa muistutuksia
menu-unsubscribe = Lopeta muistutukset
menu-remind = Milloin muistutukset tulevat, esim. 7d 1d 1h
menu-timezone = Aseta tämän keskustelun aikavyöhyke
menu-quiet = Tunnit ilman muistutuksia, esim. 22:00-07:00
menu-ics = Tämän keskustelun määräajat kalenteritiedostona
menu-digest = Uutiskirjekooste, esim. weekly pe 14.00
menu-language = Näytä tai vaihda kieltä

## Jutustelu: lyhyt samansävyinen vastaus ja sen perään, mitä botti osaa.

smalltalk-greeting = Hei! Olen **ecabot**, Euroopan klusteriallianssin avustaja. Kysy minulta allianssista, sen jäsenistä eri maissa, klusterinhallinnan laatumerkistä, tapahtumista ja avoimista hauista tai valitse aihe.
smalltalk-thanks = Eipä kestä! Kysy allianssista muutakin milloin vain.
smalltalk-goodbye = Näkemiin ja menestystä klusterillesi! Olen täällä aina, kun tarvitset apua, ja lähetän tilaamasi muistutukset.
smalltalk-identity = Olen **ecabot**. En ole ihminen vaan botti: Euroopan klusteriallianssin avustaja Telegramissa ja Discordissa. Vastaan kysymyksiin allianssista ja muistutan hakujen ja tapahtumien määräajoista. Jos haluat tavoittaa allianssin ihmiset, katso Yhteystiedot.
smalltalk-capabilities =
    Näin voin auttaa:

    - vastaan omin sanoin esitettyihin kysymyksiin Euroopan klusteriallianssista: liittymisestä, jäsenistä, laatumerkistä, ECCP:stä ja tapahtumista
    - kerron, mikä on kunkin maan jäsenjärjestö, esimerkiksi /members Suomi
    - näytän avoimet haut ja tapahtumat (/calls) ja muistutan sinua ennen niiden määräaikoja (/subscribe)
    - lähetän tähän chattiin koosteen allianssin uutisista (/digest)

    Kirjoita /help, niin näet kaikki komennot.
smalltalk-nonsense = En saanut viestistäsi selvää. Kysy minulta omin sanoin tai valitse aihe.
smalltalk-insult = Olen pahoillani, etten osannut auttaa. Kokeile kysyä toisin sanoin tai valitse aihe. Jos en osaa vastata, allianssin henkilökunta auttaa.

# Viesti kielellä, jota botti ei vielä puhu; $languages luettelee kielet, joita se puhuu.
languages-spoken = Valitettavasti en vielä puhu tätä kieltä. Puhun näitä kieliä: { $languages }. Kirjoita minulle jollakin niistä tai valitse kieli alta.
