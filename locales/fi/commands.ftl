# Komennot niillä alustoilla, jotka näyttävät komentolistan käyttäjän kielellä (Discordin
# slash-komennot). Nimi on se, jonka käyttäjä näkee ja kirjoittaa; botti tuntee komennon aina
# englanninkielisellä tunnisteella. Nimet: pienet kirjaimet, numerot, - ja _, enintään 32 merkkiä.
# Kuvaukset: enintään 100 merkkiä.

menu-ask = Kysy allianssista mitä vain omin sanoin

command-ask = kysy
command-help = apua
command-topics = aiheet
command-calls = haut
command-subscribe = tilaa
command-subscriptions = tilaukset
command-unsubscribe = peru
command-remind = muistuta
command-timezone = aikavyöhyke
command-quiet = hiljaa
command-digest = kooste
command-ics = kalenteri
command-language = kieli

command-about = tietoa
command-history = historia
command-objectives = tavoitteet
command-join = liity
command-members = jäsenet
command-eligibility = kelpoisuus
command-clusters = klusterit
command-cluster-organisations = klusteriorganisaatiot
command-impact = vaikutukset
command-policy = politiikka
command-eccp = eccp
command-events = tapahtumat
command-academy = akatemia
command-representation = edustus
command-contact = yhteystiedot
command-cee-clusternetwork = cee-clusternetwork
command-working-areas = työalueet
command-finnish-clusters = suomen-klusterit
command-sectors = toimialat
command-newsletter = uutiskirje
command-reminders = muistutukset

# Kunkin komennon ainoa valinta, jos komennolla on sellainen.
option-ask = kysymys
    .description = Kysymyksesi, esimerkiksi miten liityn?
option-subscribe = haku
    .description = Haku tai tapahtuma, aihe tai kaikki
option-unsubscribe = haku
    .description = Mikä lopetetaan: haku, aihe tai kaikki (tyhjä: kaikki)
option-remind = ajat
    .description = Muistutusajat, esim. 7d 1d 1h, tai default (tyhjä: näytä ne)
option-timezone = vyöhyke
    .description = IANA-aikavyöhyke, esim. Europe/Helsinki (tyhjä: näytä se)
option-quiet = tunnit
    .description = esim. 22:00-07:00 tai off (tyhjä: näytä ne)
option-digest = ajankohta
    .description = weekly, weekly pe 14.00, daily 8.30, preview tai off (tyhjä: näytä asetus)
option-language = kieli
    .description = Kieli, tai auto niin seuraan sovelluksesi kieltä (tyhjä: näytä se)
option-members = maa
    .description = Maa, jonka jäsentä etsit

language-follow-app = Seuraa sovellukseni kieltä
