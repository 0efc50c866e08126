## ecabotin tietosisällöt (suomi).
## Lähteet: ECA:n ja ECCP:n aineistot (PRO INNO Europe -sivut 2006–2010, päiväämätön suomenkielinen ECA-sivu, ECA:n esitys vuodelta 2024, CEE-ClusterNetwork-sivu).

topic-about = Mikä ECA on?
    .description = Euroopan klusteriallianssi lyhyesti: mikä se on ja mitä se tekee nyt
topic-about-body =
    Euroopan klusteriallianssi eli **ECA** (European Clusters Alliance) kokoaa yhteen kansalliset klusteriyhdistykset ja toimialakohtaiset verkostot eri puolilta Eurooppaa. Vuoden 2024 esityksen mukaan siihen kuuluu **23 kansallista klusteriyhdistystä**, jotka edustavat yli **900 klusteriorganisaatiota** ja noin **150 000** Euroopan innovatiivisinta yritystä.

    Allianssi on yhteistyöfoorumi, joka tuo esiin klustereiden etuja, tarpeita ja mahdollisuuksia niin Euroopassa kuin maailmanlaajuisesti. ECA:lla on tiivis ja luottamukseen perustuva yhteistyösuhde Euroopan komission **DG GROW** -pääosastoon, joka vastaa sisämarkkinoista, teollisuudesta, yrittäjyydestä ja pk-yrityksistä. Näin ECA yhdistää klusterit EU-instituutioihin ja toisiinsa ja auttaa löytämään ratkaisuja nykyisiin ja tuleviin haasteisiin.

    ECA:n näkökulmasta teollisuusklusterit ovat eurooppalaisen innovaatioekosysteemin avaintoimijoita ja talouskasvun sekä kilpailukyvyn moottoreita. Allianssilla on myös edustajia useissa EU:n foorumeissa ja asiantuntijaryhmissä – kysy minulta edustuksesta.

    Lisätietoa allianssista: [clustersalliance.eu](https://clustersalliance.eu/)

topic-history = Historia
    .description = Vuoden 2006 politiikka-allianssista nykyiseen verkostoon
topic-history-body =
    Allianssi perustettiin **syyskuussa 2006**. Perustajina olivat neljän klusteripoliittisen hankkeen, niin sanottujen INNO-Net-hankkeiden, kumppanit. Hankkeet olivat BSR InnoNet, CEE-ClusterNetwork, CLUNET ja INNET, ja ne rahoitettiin Euroopan komission **PRO INNO Europe** -aloitteesta. EU:n kilpailukykyneuvosto piti allianssia tärkeänä aloitteena klusteriyhteistyön ja kansainvälistymisen edistämiseksi.

    Alkuaikoina ECA oli avoin foorumi pysyvälle politiikkavuoropuhelulle niiden kansallisten ja alueellisten viranomaisten kesken, jotka laativat klusteripolitiikkaa ja hallinnoivat tai rahoittavat klusteriohjelmia. Se kuului kilpailukyvyn ja innovoinnin puiteohjelmasta (CIP) rahoitettuun PRO INNO Europe -kokonaisuuteen, samoin kuin Euroopan klusteriobservatorio ja Cluster Excellence -aloite.

    - Tammikuusta 2008 lähtien mukaan pääsi kuka tahansa eurooppalainen klusteripolitiikan tekijä tai rahoittaja, joka halusi jakaa kokemuksia ja toteuttaa yhteisiä hankkeita.
    - Vuotta 2010 kuvattiin tärkeäksi virstanpylvääksi: jäsenet päättivät vahvistaa allianssin roolia klusteripolitiikassa kaikilla tasoilla sekä klustereiden kansainvälisessä yhteistyössä.
    - Sittemmin ECA:sta on kasvanut kansallisten klusteriyhdistysten allianssi. Vanhempi, päiväämätön sivu mainitsee 15 yhdistystä ja yli 800 klusteriorganisaatiota, vuoden 2024 esitys puolestaan 23 yhdistystä ja yli 900 organisaatiota.

topic-objectives = Tavoitteet
    .description = ECA:n kuusi tavoitetta ja alkuperäinen politiikkavuoropuhelun tavoite
topic-objectives-body =
    ECA on asettanut itselleen kuusi käytännönläheistä tavoitetta:

    - nopea ja ketterä klustereiden välinen yhteistyö Euroopan tasolla, vahvempi klusteriverkosto ja hyvien käytäntöjen jakaminen
    - klustereiden jäsenten kansainvälistymisen ja eurooppalaisten klustereiden tunnettuuden edistäminen
    - yhteiset suositukset ja kannanotot julkishallinnolle kansallisella, alueellisella ja EU-tasolla
    - yhteistyö muiden klustereita Euroopassa ja maailmalla tukevien verkostojen ja organisaatioiden kanssa
    - klusteriyhteisön yhteisten etujen selvittäminen, edistäminen ja puolustaminen
    - klustereiden aseman virallinen tunnustaminen eurooppalaisissa ja kansainvälisissä instituutioissa

    Kun allianssi vuonna 2006 aloitti, sen päätavoite oli aito **politiikkavuoropuhelu**. Tarkoitus oli mennä hyvien käytäntöjen tunnistamista pidemmälle: viranomaiset kehittäisivät yhdessä eurooppalaista klusteriagendaa, laatisivat parempaa politiikkaa, välttäisivät päällekkäistä työtä ja vähentäisivät klusterialoitteiden hajanaisuutta Euroopassa.

topic-join = Miten liittyä?
    .description = Näin pääset mukaan ECA:han nyt – ja näin kumppanuus toimi alun perin
topic-join-body =
    Nykyään ECA:han liitytään oman maan **kansallisen klusteriyhdistyksen** kautta, joka on allianssin jäsen kyseisessä maassa. Löydät sen kysymällä esimerkiksi "/members Espanja" tai "kuka on jäsen Espanjassa". Jos maallasi ei ole listattua jäsentä tai sinulla on kysyttävää, ota yhteyttä suoraan allianssiin: Antonio Novo Guerrero, antonio.novo@clustersalliance.eu, +34 650410080.

    Hieman historiaa: kun allianssi perustettiin PRO INNO Europe -aloitteen alla (vuosien 2008 ja 2010 sivut), kumppaneita oli kahdenlaisia.

    - Täysivaltaiset kumppanit olivat perustajajäseniä, jotka osallistuivat suoraan neljään INNO-Net-hankkeeseen.
    - Liitännäiskumppanit tulivat mukaan myöhemmin omalla kustannuksellaan. Ne saattoivat osallistua yhteen tai kahteen hankkeeseen ja/tai yhteen tai kahteen neljästä horisontaalisesta työalueesta sekä valitsemiensa hankkeiden tapahtumiin.

    Liitännäiskumppaniksi pääsi organisaatio, jonka kotipaikka oli kilpailukyvyn ja innovoinnin puiteohjelmaan (CIP) osallistuvassa maassa. Sen piti noudattaa liittymismenettelyä ja allekirjoittaa ECA:n **kumppanuussopimus**. Nämä säännöt koskivat alkuperäistä allianssia, eivät nykyistä jäsenyyttä.

topic-members = Jäsenet
    .description = ECA:n kansalliset klusteriyhdistykset ja miten löydät oman maasi jäsenen
topic-members-body =
    ECA:n jäseniä ovat **kansalliset klusteriyhdistykset** ja toimialakohtaiset verkostot. Vuoden 2024 esityksen mukaan jäseniä on **23 kansallista klusteriyhdistystä**, ja ne edustavat yli 900 klusteriorganisaatiota ja noin 150 000 yritystä. Vanhemmalla, päiväämättömällä suomenkielisellä sivulla puhuttiin vielä 15 kansallisesta yhdistyksestä ja yli 800 klusteriorganisaatiosta, joten allianssi on kasvanut.

    Saman vuoden 2024 esityksen jäsenluettelossa on 20 organisaatiota 19 maasta Itävallasta Ukrainaan. Ranskasta jäseniä on kaksi.

    Kysy minulta tietyn maan jäsentä esimerkiksi näin: "/members Puola" tai "kuka on jäsen Puolassa". Jos maatasi ei löydy listalta, allianssin yhteyshenkilö auttaa – katso /contact.

topic-eligibility = Laatumerkin kriteerit
    .description = Kuka voi hakea klusterinhallinnan laatumerkkiä (Quality Label)
topic-eligibility-body =
    Klusterinhallinnan **laatumerkki** (Quality Label) myönnetään vain organisaatiolle, joka pystyy osoittamaan olevansa Euroopan komission määritelmän mukainen klusteriorganisaatio. Kriteerit ovat:

    - todellinen teknologiaan, toimialaan tai alueeseen keskittyvä klusterialoite, jolla on oma klusterinhallinta vähintään **0,5 henkilötyövuoden** panoksella
    - vähintään **15 selvästi sitoutunutta osallistujaa**, joista suurin osa yksityiseltä sektorilta
    - klusterinhallinta vahvistaa yhteistyötä, verkostoitumista ja oppimista sekä tarjoaa tai välittää räätälöityjä yrityspalveluita, jotka vauhdittavat innovointia etenkin pk-yrityksissä
    - edellisen vuoden aikana vähintään **5 erilaista palvelua**, jotka kattavat vähintään **2 määriteltyä strategista painopistealuetta**
    - organisaatio on listattu Euroopan klusteriyhteistyöalustalle (ECCP)

    Lisätietoa: [cluster management excellence](https://www.cluster-analysis.org/cluster-management-excellence)

topic-clusters = Mikä on klusteri?
    .description = Mitä klusterit ovat, miksi niitä syntyy ja esimerkki
topic-clusters-body =
    Klusterit ovat toisiinsa liittyvien toimialojen maantieteellisiä keskittymiä. Niissä yritykset ja muut toimijat sijaitsevat lähellä toisiaan, ja niitä yhdistävät osaaminen, taidot, tuotantopanokset, kysyntä tai muut kytkökset (Delgado, Porter ja Stern, 2013).

    Klusteri ei ole pelkkä käsite, vaan todellinen ilmiö, jonka vaikutukset voi mitata:

    - Klusterit parantavat alueiden ja toimialojen suorituskykyä, esimerkiksi työpaikkojen, patenttien ja uusien yritysten määrää.
    - Niitä synnyttävät muun muassa toimitusketjut, yhteiset työmarkkinat, tiedon leviäminen, paikallinen kysyntä, erikoistuneet instituutiot ja sosiaaliset verkostot.
    - Riittävän suurina ne kehittävät erikoistunutta osaamista, palveluita, resursseja, alihankkijoita ja taitoja.

    Hyvä esimerkki on Kaakkois-Puolan **Aviation Valley**, jossa on runsaasti ilmailuteollisuutta, tutkimuskeskuksia, koulutusta ja lentäjäkoulutusta. Alueen yhdistys edustaa yli 170 yritystä. Sen tavoitteena on rakentaa kustannustehokas toimitusketju, kehittää ilmailualan tutkimusta ja osaamista sekä luoda alueen ilmailuyrityksille hyvät kasvuedellytykset.

topic-cluster-organisations = Klusteriorganisaatiot
    .description = Mitä klusteriorganisaatiot ovat ja mitä palveluita ne tarjoavat
topic-cluster-organisations-body =
    Klusteri on ekosysteemi, **klusteriorganisaatio** taas oikeushenkilö, joka toimii sen hyväksi. Klusteriorganisaatiot tarjoavat tai välittävät erikoistuneita ja räätälöityjä yrityspalveluita, jotka vauhdittavat innovointia etenkin pk-yrityksissä.

    Ne vahvistavat yhteistyötä, verkostoitumista ja oppimista, rakentavat strategisia kumppanuuksia yli klusteri- ja toimialarajojen, käynnistävät monitoimijahankkeita ja luovat luottamusta yritysten, tutkimuksen ja julkisen sektorin välille (niin sanottu triple helix). Klusteriorganisaatioita on monen muotoisia ja kokoisia, ja ne voivat syntyä joko ylhäältä tai alhaalta päin.

    Tyypillisiä palveluita ovat:

    - liiketoimintaympäristön kehittäminen
    - innovaatiohankkeet
    - verkostoituminen ja kumppanihaku
    - liiketoiminta- ja markkinatieto
    - henkilöstön osaamisen kehittäminen
    - kansainvälistyminen
    - vaikuttaminen lainsäädäntöön

    Euroopassa klusteriorganisaatioita riittää: [Euroopan klusteriyhteistyöalustalle](https://www.clustercollaboration.eu) on rekisteröitynyt noin **1 000 eurooppalaista klusteriorganisaatiota**.

topic-impact = Miksi klusterit ovat tärkeitä
    .description = Keskeiset luvut erikoistuneiden klustereiden taloudellisista vaikutuksista
topic-impact-body =
    Erikoistuneissa klustereissa on muihin alueisiin verrattuna:

    - 13,5 % korkeampi keskipalkka
    - 0,7 % nopeampi palkkojen vuosikasvu
    - 0,5 % nopeampi työllisyyden vuosikasvu
    - 143 % enemmän maailman kärkiyrityksiä (Global Frontier Firms)
    - 77 % enemmän nopeasti kasvavia yrityksiä
    - 141 % enemmän nopeasti kasvavia startupeja

    Klusterit siis kannattavat – niin työntekijöille, yrityksille kuin alueillekin.

    Lähde: [European Panorama of Clusters and Industrial Change 2019](https://www.clustercollaboration.eu/sites/default/files/eu_initiatives/eoic_european_panorama_of_clusters_and_industrial_change_2019.pdf), julkaistu Euroopan klusteriyhteistyöalustalla.

topic-policy = Hyvä klusteripolitiikka
    .description = Mitä nykyaikaisen klusteripolitiikan kannattaa tehdä ja mitä välttää
topic-policy-body =
    Nykyaikainen klusteripolitiikka tiivistettynä – mitä tehdä ja mitä välttää:

    - Tue yksittäisten erikoistuneiden yritysten sijaan uusia toimintoja, joita toisiinsa liittyvien toimialojen ryhmät tai verkostot toteuttavat.
    - Älä luo klustereita tyhjästä toiveajattelun pohjalta, vaan rakenna alueen olemassa oleville, näyttöön perustuville vahvuuksille ja yrittäjyyslähtöiselle löytämisprosessille.
    - Rahoita älykkään erikoistumisen strategioita tukevia, strategisia klusterialoitteita sen sijaan, että tukisit suurta joukkoa hyvin erilaisia klustereita.
    - Valitse kapean toimialanäkökulman sijaan systeeminen ote, joka huomioi toimialojen väliset kytkökset.
    - Tue klusterialoitteita, jotka katsovat kansainvälisiin arvoketjuihin, eivät pelkästään sisäänpäin.

    Lisäksi klusteripolitiikkaa ei pidä tehdä erillään muusta politiikasta. Ota mukaan yritykset, sijoittajat, tutkijat ja päättäjät, ja kytke se T&K-toimintaan, innovaatioihin, yrittäjyyteen, rahoitukseen ja pk-yritysten kansainvälistymiseen.

topic-eccp = ECCP-alusta
    .description = Euroopan klusteriyhteistyöalusta ECCP ja sen palvelut
topic-eccp-body =
    Euroopan klusteriyhteistyöalusta (European Cluster Collaboration Platform, **ECCP**) on Euroopan unionin aloite. Sen tehtävänä on olla klusteritoimijoiden – klusteriorganisaatioiden, päättäjien ja muiden klusteriekosysteemin toimijoiden – eurooppalainen verkkokeskus sekä keskitetty palvelupiste EU:n ulkopuolisille toimijoille, jotka etsivät eurooppalaisia kumppaneita. Alustalla on profiili yli **1 600 klusteriorganisaatiolla** ympäri maailmaa.

    Alustalta löydät muun muassa:

    - ECCP-uutiskirjeen uutisineen ja avoimine hakuineen
    - tietoa European Cluster Partnerships -kumppanuuksista sekä kumppanihaun
    - tapahtumakalenterin tapahtumineen, webinaareineen ja koulutuksineen
    - kansainvälisen yhteistyön sivut maaprofiileineen ja teknisine tukineen
    - ajankohtaista tietoa EU:n keskeisistä politiikka-alueista, kuten vihreästä ja digitaalisesta siirtymästä ja teollisista ekosysteemeistä
    - tietokannan klusteriverkostoista, työkaluista ja julkaisuista
    - Green Transition Support -palvelun ja Trend Universe -työkalun, joka kattaa trendit 14 teollisesta ekosysteemistä

    Tutustu osoitteessa [clustercollaboration.eu](https://www.clustercollaboration.eu).

topic-events = Klusteritapahtumat
    .description = ECCP:n tapahtumamuodot ja vuoden 2024 tapahtumat
topic-events-body =
    ECCP järjestää monenlaisia tapahtumia:

    - EU Clusters Talks, viikoittaiset verkkokeskustelut osaamisen jakamiseen
    - Clusters meet Regions, joka tuo klusterit ja päättäjät yhteen vahvistamaan isäntäalueen teollista ekosysteemiä
    - Matchmaking-tapahtumat uusien kumppaneiden löytämiseen
    - C2Lab-työpajat, joissa ideoista tehdään hankesuunnitelmia
    - EU Cluster Conference, foorumi vertaisoppimiselle
    - Cluster Booster Academy (kysy minulta akatemiasta)

    Vuonna 2024 järjestettiin **23 EU Clusters Talks -webinaaria**, 6 Clusters meet Regions -tapahtumaa, 8 matchmaking-tapahtumaa, 2 C2Labia, 1 EU Cluster Conference ja 3 akatemiatapahtumaa (2 verkossa, 1 paikan päällä). ECCP:n tapahtumissa on käyty 519 kahdenvälistä tapaamista.

    Huomaa, että lähteideni päivämäärät ovat jo menneet: Clusters meet Regions Chişinăussa, Palma de Mallorcalla, Heilbronnissa ja Charleroissa (loka- ja marraskuu 2024), EU–Intia-matchmaking Bengaluru Tech Summitissa (19.–21. marraskuuta 2024) ja C2Lab Strasbourgissa (25.–26. syyskuuta 2023). Tulevat tapahtumat löydät ECCP:n tapahtumakalenterista.

topic-academy = Cluster Booster Academy
    .description = Koulutusohjelma klusterinhallinnan tiimeille
topic-academy-body =
    ECCP:n **Cluster Booster Academy** on koulutusohjelma klusterinhallinnan tiimeille.

    Vuoden 2024 akatemiaan otettiin enintään **50 osallistujaa**, ja se kesti **5 päivää** hybridimuotoisena: kolme verkkokoulutusta marraskuussa 2024, henkilökohtainen valmennus sekä kaksi lähipäivää 3.–4. maaliskuuta 2025 Varsovan teknillisellä yliopistolla. Haku päättyi **17. lokakuuta 2024**, joten se on jo mennyt.

    Akatemian tavoitteena on:

    - tarjota klusterijohtajille mahdollisuuksia kehittää osaamistaan
    - vastata eurooppalaisten klusteritiimien arjen tarpeisiin
    - antaa tiimeille tilaisuus oppia toistensa kokemuksista
    - tarjota mahdollisuus muovata uusia eurooppalaisia arvoketjuja
    - auttaa ymmärtämään EU:n politiikkoja ja ohjelmia ja vaikuttamaan niihin
    - tukea parempaa klusteripolitiikkaa
    - kehittää klusterien henkilöstön taitoja "kouluta kouluttajat" -mallilla

    Tulevista akatemioista kannattaa seurata ECCP:n tapahtumakalenteria.

topic-representation = Edustus
    .description = EU-elimet ja asiantuntijaryhmät, joissa ECA on edustettuna
topic-representation-body =
    Vuoden 2024 esityksen mukaan ECA:lla on edustaja seuraavissa elimissä ja ryhmissä:

    - EU:n teollisuusfoorumi (EU Industrial Forum)
    - älykkään erikoistumisen strategioiden EU-asiantuntijaryhmä
    - alueidenvälisten innovaatioinvestointien (Interregional Innovation Investments) EU-asiantuntijaryhmä
    - eDIH-asioiden korkean tason työryhmä
    - HERA eli EU:n terveysalan valmius- ja reagointiviranomainen
    - Euroopan talous- ja sosiaalikomitea

    Näiden paikkojen ja komission DG GROW -pääosaston kanssa tehtävän tiiviin yhteistyön kautta allianssi vie klustereiden ja niiden yritysten äänen EU:n päätöksentekoon.

topic-contact = Yhteystiedot
    .description = Näin tavoitat Euroopan klusteriallianssin
topic-contact-body =
    Euroopan klusteriallianssin yhteyshenkilö on **Antonio Novo Guerrero**.

    - Sähköposti: antonio.novo@clustersalliance.eu
    - Puhelin: +34 650410080
    - Verkkosivut: [clustersalliance.eu](https://clustersalliance.eu/)
    - Sosiaalinen media: @AlliedClusters

    Jos haluat mukaan toimintaan, helpoin reitti on yleensä oman maasi kansallinen klusteriyhdistys. Löydät sen kirjoittamalla "/members" ja maasi nimen.

    ECCP-alustaa, sen tapahtumia ja uutiskirjettä koskevat tiedot löytyvät osoitteesta [clustercollaboration.eu](https://www.clustercollaboration.eu). Voit myös kysyä minulta ECA:n jäsenistä, tavoitteista tai edustuksesta EU:ssa.

topic-cee-clusternetwork = CEE-ClusterNetwork
    .description = INNO-Net-hanke, joka yhdisti yksitoista Keski- ja Itä-Euroopan aluetta
topic-cee-clusternetwork-body =
    INNO-Net-hanke **CEE-ClusterNetwork** oli yksi niistä neljästä hankkeesta, jotka perustivat allianssin vuonna 2006. Se yhdisti yksitoista naapurialuetta ja -maata Keski- ja Itä-Euroopassa, joiden innovaatiopolitiikka painottaa klustereita ja verkostoja. Tavoitteena oli löytää yhtymäkohtia alueiden klusteripolitiikan toteutustapojen välillä ja muotoilla yhteinen linja kolmella tasolla: politiikka, hallinto sekä kehitysyhtiöt ja klusterialoitteet.

    Hankkeen toimintaan kuului muun muassa:

    - olemassa olevien klusterialoitteiden ja -ohjelmien analysointi
    - laatuohjeet ja yhteiset kriteerit, myös klusterinhallinnalle
    - CEE Cluster Agreement 2007 -sopimus yhteisistä strategioista ja sen pohjalta laadittu toimintasuunnitelma
    - poliittisten ja hallinnollisten päättäjien kokoaminen yhteen
    - kahdesta kolmeen rajat ylittävää pilottihanketta
    - alueiden välisten innovaatio- ja klusteriohjelmien kehittäminen

    Odotettuja tuloksia olivat naapurialueiden pitkäaikainen yhteistyö, yritysten tiiviimmät suhteet, kriittinen massa Keski- ja Itä-Euroopassa, kokemusten vaihto muiden EU-alueiden ja komission kanssa sekä mahdollinen toinen vaihe esimerkiksi seitsemännen puiteohjelman (FP7) kautta.

topic-working-areas = Työalueet
    .description = Alkuperäisen allianssin neljä horisontaalista työaluetta
topic-working-areas-body =
    Neljällä perustajahankkeella oli omat kolmivuotiset työohjelmansa syyskuusta 2006 alkaen. Niiden lisäksi alkuperäisen allianssin kumppanit sopivat tekevänsä yhteistyötä neljällä horisontaalisella työalueella. Tarkoituksena oli kehittää käytännön työkaluja, oppaita ja menetelmiä, jotka parantavat klusteripolitiikan ja -ohjelmien laatua ja vaikuttavuutta:

    - klusteripolitiikan ja -ohjelmien taloudellisten vaikutusten mittaaminen
    - klusteripolitiikan rahoituslähteiden kartoittaminen
    - klusteri-infrastruktuurin kehittäminen klusteripolitiikan keinoin
    - klusteriohjelmien keskeisten toimintojen tunnistaminen, painopisteenä kansainvälistyminen

    Liitännäiskumppanit saattoivat osallistua yhteen tai kahteen työalueeseen. Huomaa, että tämä kuvaa allianssin toimintaa noin vuonna 2008.

topic-finnish-clusters = Suomen klusterit
    .description = Suomen ECA-jäsen ja ECCP:lle listatut suomalaiset klusterit
topic-finnish-clusters-body =
    Suomi on mukana ECA:ssa **Itä- ja Pohjois-Suomen** kautta. Se on yksi allianssin kansallisista klusteriyhdistyksistä.

    Euroopan klusteriyhteistyöalustalla on profiili monella suomalaisella klusterilla, esimerkiksi:

    - DIMECC Ltd.
    - CLIC Innovation Oy
    - Photonics Finland
    - Robocoast Cluster
    - Finnish Water Forum
    - Kuopio Health Co-op.
    - Merinova
    - Oulu Automotive Cluster
    - Green Net Finland
    - Tampere Imaging Ecosystem

    Tämä on vain otos. Koko lista puolustus- ja ilmailualasta ruokaan, veteen ja arktiseen matkailuun löytyy osoitteesta [clustercollaboration.eu](https://www.clustercollaboration.eu).

topic-sectors = Toimialat
    .description = ECCP:ltä löytyvät klusterien toimialat ja sektorit
topic-sectors-body =
    ECCP luokittelee klusterit toimialoittain. Tässä otos alustalta löytyvistä aloista:

    - elintarvikkeet, maatalousteknologia ja vesiviljelytuotteet
    - ilmailu ja avaruus
    - biotalous ja vihreä talous
    - energia ja konetekniikka
    - rakentaminen ja valmistava teollisuus
    - meriala ja vesihuolto
    - tietotekniikka ja teknologia
    - älykkäät kaupungit ja liikenne
    - matkailu, muoti ja vaatetus
    - turvallisuus, kaivostoiminta ja pakkaukset
    - yhteisötalous, koulutus ja tiede

    Aloja on paljon enemmänkin audiovisuaalisesta alasta ja kauneusteollisuudesta rahoituspalveluihin ja urheiluun. Voit selata klustereita toimialoittain osoitteessa [clustercollaboration.eu](https://www.clustercollaboration.eu).

topic-newsletter = Uutiskirje ja päivitykset
    .description = ECCP-uutiskirje, LinkedIn-ryhmä ja koosteet tässä chatissa
topic-newsletter-body =
    Klusteriyhteisön laajin tietolähde on **ECCP-uutiskirje**, joka kertoo tuoreimmat uutiset ja avoimet haut. Voit tilata sen osoitteessa [clustercollaboration.eu](https://www.clustercollaboration.eu).

    ECCP:llä on myös yleinen keskusteluryhmä LinkedInissä:

    - osaamisen jakaminen: vaihda hyviä käytäntöjä ja saa uusia näkökulmia
    - yhteistyömahdollisuudet: verkostoidu ECCP:n jäsenten kanssa
    - ajan tasalla pysyminen: ECCP:n viikoittaiset päivitykset yhdessä paikassa

    Voin tuoda uutiset myös tänne: /digest weekly lähettää tähän chattiin koosteen ECCP:n ja allianssin uutisista, uusista hauista ja pian päättyvistä määräajoista joka maanantai klo 9.00 (tai valitsemaasi aikaan, esim. /digest weekly pe 14.00).

topic-reminders = Määräaikamuistutukset
    .description = Muistutukset hakujen määräajoista tässä chatissa
topic-reminders-body =
    Voin muistuttaa tässä chatissa hakujen määräajoista ja tapahtumista, jotta mikään ei pääse unohtumaan:

    - /calls näyttää avoimet haut ja tulevat tapahtumat
    - /subscribe seuraa niitä kaikkia; /subscribe ja haun tunniste (tai aihe, kuten academy) seuraa vain sitä
    - muistutukset tulevat 7 päivää, 1 päivän ja 1 tunnin ennen määräaikaa; /remind 3d 2h valitsee omat ajat
    - /timezone Europe/Helsinki näyttää ajat omalla aikavyöhykkeelläsi (oletus on Europe/Brussels)
    - /quiet 22:00-07:00 pidättää muistutukset yöllä, ellei määräaika mene sitä ennen umpeen
    - /subscriptions näyttää, mitä seuraat ja milloin seuraava muistutus tulee
    - /ics lähettää määräaikasi kalenteritiedostona
    - /unsubscribe lopettaa muistutukset

    Jokaisessa muistutuksessa on painikkeet, joilla saat muistutuksen myöhemmin uudelleen tai kerrot jo hakeneesi.
