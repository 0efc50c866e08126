## Knowledge topics of ecabot (English).
## Sources: ECA and ECCP material (2006–2010 PRO INNO Europe pages, an undated Finnish ECA page, the 2024 ECA presentation, CEE-ClusterNetwork page).

topic-about = About the ECA
    .description = What the European Clusters Alliance is and what it does today
topic-about-body =
    The European Clusters Alliance, or **ECA**, brings together national cluster associations and vertical networks from across Europe. According to its 2024 presentation, it joins **23 national associations** that represent more than **900 cluster organisations** and around **150,000** of Europe's most innovative businesses.

    The alliance is a cooperation forum that speaks up for the interests, needs and opportunities of clusters, in Europe and globally. It keeps close, trust-based contact with **DG GROW**, the European Commission's department for the internal market, industry, entrepreneurship and SMEs. In this way ECA connects clusters with the EU institutions and with each other, and helps find answers to today's and tomorrow's challenges.

    ECA regards industrial clusters as key players in Europe's innovation ecosystem and as engines of growth and competitiveness. It also has representatives in several EU forums and expert groups: just ask me about representation.

    More on the alliance: [clustersalliance.eu](https://clustersalliance.eu/)

topic-history = History
    .description = From the 2006 policy alliance under PRO INNO Europe to today's network
topic-history-body =
    The alliance was founded in **September 2006** by the partners of four cluster policy projects, the so-called INNO-Nets, funded under the European Commission's **PRO INNO Europe** initiative: BSR InnoNet, CEE-ClusterNetwork, CLUNET and INNET. The EU Competitiveness Council welcomed it as an important initiative for cluster cooperation and internationalisation.

    In those days it was an open platform for a permanent policy dialogue between the national and regional authorities that design cluster policies and manage or fund cluster programmes. It was part of PRO INNO Europe under the Competitiveness and Innovation Programme (CIP), next to the European Cluster Observatory and the Cluster Excellence initiative.

    - From January 2008 it was open to any European cluster policy maker or funding agency wishing to share experience and run joint activities.
    - The year 2010 was described as an important step: members set out to strengthen the alliance's role in cluster policy dialogue and action at all levels, and in international cooperation between clusters.
    - Since then it has grown into an alliance of national cluster associations. An older, undated page counted 15 associations and over 800 cluster organisations; the 2024 presentation lists 23 associations and more than 900 organisations.

topic-objectives = Objectives
    .description = The six objectives of the ECA and its original policy-dialogue aim
topic-objectives-body =
    The ECA has set itself six practical objectives:

    - Fast and agile cooperation between clusters at European level, a stronger cluster network and sharing of good practice
    - More internationalisation for cluster members and better visibility for European clusters
    - Joint recommendations and position papers for public authorities at national, regional and EU level
    - Cooperation with other networks and organisations that support clusters in Europe and worldwide
    - Researching, promoting and defending the common interests of the cluster community
    - Formal, legal recognition of clusters by European and international institutions

    When the alliance started in 2006, its core aim was a genuine **policy dialogue**. It wanted to go beyond spotting good cluster policies and let public authorities advance the European cluster agenda together: developing better policies, avoiding duplicated effort and reducing the fragmentation of cluster initiatives in Europe.

topic-join = How to join
    .description = How to become part of the ECA today, and how partnership worked originally
topic-join-body =
    Today the way into the ECA is through your country's **national cluster association**, the ECA member in your country. Ask me, for example, "/members Spain" or "who is the member in Spain" to find it. If your country has no listed member, or you have questions, contact the alliance directly: Antonio Novo Guerrero, antonio.novo@clustersalliance.eu, +34 650410080.

    A bit of history: when the alliance was set up under PRO INNO Europe (pages from 2008 and 2010), there were two kinds of partner.

    - Full partners were the founding partners directly involved in the four INNO-Net projects.
    - Associated partners joined later, at their own cost. They could take part in one or two of the four projects and/or one or two of the four horizontal working areas, and attend the events of the projects they chose.

    To become an associated partner, an organisation had to be registered in a country associated to the Competitiveness and Innovation Programme (CIP), follow the joining procedure and sign the ECA **Partnership Agreement**. These rules describe the original alliance, not today's membership.

topic-members = Members
    .description = National cluster associations in the ECA and how to find yours
topic-members-body =
    The members of the ECA are **national cluster associations** and vertical networks. The 2024 presentation counts **23 national associations**, together representing more than 900 cluster organisations and about 150,000 businesses. An older, undated Finnish page still mentioned 15 national associations and over 800 cluster organisations, so the alliance has grown.

    The member list in the 2024 presentation names 20 organisations in 19 countries, from Austria to Ukraine; France has two members.

    To see who the member is in a particular country, just ask, for example "/members Poland" or "who is the member in Poland". If your country is not on the list, the alliance contact can help: see /contact.

topic-eligibility = Quality Label eligibility
    .description = Who can apply for a cluster management Quality Label
topic-eligibility-body =
    A cluster management **Quality Label** is only awarded to organisations that can prove they are a "cluster organisation" as defined by the European Commission. The criteria are:

    - A real cluster initiative with a technological, sectoral or regional focus and dedicated cluster management of at least **0.5 full-time equivalent**
    - At least **15 clearly committed cluster participants**, most of them from the private sector
    - The management strengthens collaboration, networking and learning, and provides or channels tailored business support that stimulates innovation, especially in SMEs
    - At least **5 different services** during the past year, addressing at least **2 defined strategic priority areas**
    - The organisation is listed on the European Cluster Collaboration Platform (ECCP)

    More details: [cluster management excellence](https://www.cluster-analysis.org/cluster-management-excellence)

topic-clusters = What is a cluster?
    .description = What clusters are, why they form, and an example
topic-clusters-body =
    Clusters are geographic concentrations of related industries: companies and associated institutions located close to each other and linked by knowledge, skills, inputs, demand or other ties (Delgado, Porter and Stern, 2013).

    They are not just a concept but a real economic phenomenon with measurable effects:

    - They improve regional and industry performance, including job creation, patenting and new business formation.
    - They grow from things like supply links, a shared labour market, knowledge spillovers, local demand, specialised institutions and social networks.
    - Once large enough, they develop specialised expertise, services, resources, suppliers and skills.

    A good example is the **Aviation Valley** in south-eastern Poland, with a heavy concentration of aerospace industry, research centres, education and pilot training. Its association represents over 170 companies and aims to build a low-cost supply chain, develop aerospace research and skills, and create good conditions for aerospace firms in the region.

topic-cluster-organisations = Cluster organisations
    .description = What cluster organisations are and which services they offer
topic-cluster-organisations-body =
    A cluster is the ecosystem; a **cluster organisation** is the legal entity that works for it. Cluster organisations provide or channel specialised, tailored business support that stimulates innovation, especially in SMEs.

    They strengthen collaboration, networking and learning, broker strategic partnerships across clusters and sectors, set up multi-stakeholder projects and build trust between business, research and the public sector (the triple helix). They come in many shapes and sizes and can grow top-down or bottom-up.

    Typical services include:

    - improving the business environment
    - innovation projects
    - networking and matchmaking
    - business and market intelligence
    - upgrading human resources
    - internationalisation
    - influencing the legal framework

    Europe's landscape is rich: around **1,000 European cluster organisations** are registered on the [European Cluster Collaboration Platform](https://www.clustercollaboration.eu).

topic-impact = Why clusters matter
    .description = Key figures on the economic impact of specialised clusters
topic-impact-body =
    Compared with other locations, specialised clusters show:

    - a 13.5% higher average wage
    - 0.7% higher annual wage growth
    - 0.5% higher annual employment growth
    - 143% more Global Frontier Firms
    - 77% more high-growth firms
    - 141% more rapidly growing start-ups

    In short, clusters pay off for workers, companies and regions alike.

    Source: the [European Panorama of Clusters and Industrial Change 2019](https://www.clustercollaboration.eu/sites/default/files/eu_initiatives/eoic_european_panorama_of_clusters_and_industrial_change_2019.pdf), published on the European Cluster Collaboration Platform.

topic-policy = Cluster policy do's and don'ts
    .description = What modern cluster policy should and should not do
topic-policy-body =
    Modern cluster policy in a nutshell, as do's and don'ts:

    - Support new activities by groups or networks of related industries, not individual specialised firms.
    - Grow clusters from existing regional strengths, found through evidence and "entrepreneurial discovery", instead of creating them from scratch out of wishful thinking.
    - Fund strategic cluster initiatives in line with smart specialisation strategies rather than large numbers of widely varied clusters.
    - Take a systemic approach that captures links between related industries, not a narrow sectoral one.
    - Back cluster initiatives with an international outlook on global value chains, not ones that only look inward.

    One more rule of thumb: cluster policy should not be made in isolation. Involve businesses, investors, academics and policymakers, and link it to R&D, innovation, entrepreneurship, finance and SME internationalisation.

topic-eccp = ECCP platform
    .description = The European Cluster Collaboration Platform and its services
topic-eccp-body =
    The European Cluster Collaboration Platform (**ECCP**) is an initiative of the European Union. Its mission is to be the European online hub for cluster stakeholders (cluster organisations, policymakers and others in the cluster ecosystem) and the one-stop shop for organisations outside the EU looking for European partners. It profiles **1,600+ cluster organisations** worldwide.

    What you find there:

    - the ECCP newsletter with news and open calls
    - information on the European Cluster Partnerships and a partner search
    - a calendar of events, webinars and trainings
    - international cooperation pages with country profiles and technical assistance
    - updates on key EU policy areas such as the green and digital transition and industrial ecosystems
    - a knowledge database of cluster networks, toolkits and publications
    - Green Transition Support and the Trend Universe, with trends from 14 industrial ecosystems

    Visit [clustercollaboration.eu](https://www.clustercollaboration.eu) to explore it.

topic-events = Cluster events
    .description = ECCP event formats and the 2024 event programme
topic-events-body =
    The ECCP runs several event formats:

    - EU Clusters Talks, weekly online sessions to exchange knowledge
    - Clusters meet Regions, bringing clusters and policymakers together to strengthen a host region's industrial ecosystem
    - Matchmaking Events to find new partners
    - C2Lab workshops to turn ideas into project roadmaps
    - the EU Cluster Conference, a forum for mutual learning
    - the Cluster Booster Academy (ask me about the academy)

    In 2024 there were **23 EU Clusters Talks** webinars, 6 Clusters meet Regions events, 8 matchmaking events, 2 C2Labs, 1 EU Cluster Conference and 3 academy events (2 online, 1 in person). ECCP events have produced 519 bilateral meetings.

    Please note that the dates in my sources are in the past: Clusters meet Regions in Chişinău, Palma de Mallorca, Heilbronn and Charleroi (October and November 2024), the EU–India matchmaking at the Bengaluru Tech Summit (19–21 November 2024) and the C2Lab in Strasbourg (25–26 September 2023). For upcoming events, check the ECCP event calendar.

topic-academy = Cluster Booster Academy
    .description = Training programme for cluster management teams
topic-academy-body =
    The **Cluster Booster Academy** is an ECCP training programme for cluster management teams.

    The 2024 edition took up to **50 participants** over **5 days** in a hybrid format: three online sessions in November 2024, an individual coaching session, and two in-person days on 3–4 March 2025 at the Warsaw University of Technology. Its application deadline, 17 October 2024, has passed.

    The academy aims to:

    - give cluster managers learning opportunities to develop their skills
    - meet the everyday needs of European cluster management teams
    - let teams learn from each other's experience
    - give a chance to co-shape new European value chains
    - help understand and contribute to EU policies and programmes
    - support better cluster-related policy
    - upskill cluster staff through a "train the trainers" approach

    For future editions, keep an eye on the ECCP event calendar.

topic-representation = Representation
    .description = EU bodies and expert groups where the ECA is represented
topic-representation-body =
    According to its 2024 presentation, the ECA has representatives in:

    - the EU Industrial Forum
    - the EU expert group on Smart Specialisation Strategies
    - the EU expert group for the Interregional Innovation Investments
    - the high-level working group on eDIH
    - HERA, the European Health Emergency Preparedness and Response Authority
    - the European Economic and Social Committee

    Through these seats, and its close cooperation with the Commission's DG GROW, the alliance brings the voice of clusters and their businesses into EU policymaking.

topic-contact = Contact
    .description = How to reach the European Clusters Alliance
topic-contact-body =
    The contact person for the European Clusters Alliance is **Antonio Novo Guerrero**.

    - Email: antonio.novo@clustersalliance.eu
    - Phone: +34 650410080
    - Website: [clustersalliance.eu](https://clustersalliance.eu/)
    - Social media: @AlliedClusters

    If you want to get involved, the quickest start is usually the national cluster association in your country. Ask me "/members" followed by your country to find it.

    For questions about the ECCP platform, its events or its newsletter, see [clustercollaboration.eu](https://www.clustercollaboration.eu). You can also ask me about the ECA's members, objectives or representation in EU bodies.

topic-cee-clusternetwork = CEE-ClusterNetwork
    .description = The INNO-Net project linking eleven Central and Eastern European regions
topic-cee-clusternetwork-body =
    The **CEE-ClusterNetwork** was one of the four INNO-Net projects that founded the alliance in 2006. It linked eleven neighbouring regions and countries in Central and Eastern Europe whose innovation policies focus on clusters and networks. The goal was to find common ground between their cluster policy methods and shape a shared policy, at the level of policy, administration, and development agencies and cluster initiatives.

    Its activities included:

    - analysing existing cluster initiatives and programmes
    - quality guidelines with common criteria, also for cluster management
    - the CEE Cluster Agreement 2007 on common strategies, followed by an operative Cluster Action Plan
    - bringing political and administrative policymakers together
    - two to three cross-border pilot actions
    - trans-regional programmes for innovation and cluster activities

    Expected results were long-term cooperation between neighbouring regions, closer ties between companies, critical mass in Central and Eastern Europe, exchange with other EU regions and the Commission, and a possible second phase, for example through FP7.

topic-working-areas = Working areas
    .description = The four horizontal working areas of the original alliance
topic-working-areas-body =
    Besides the three-year work programmes of the four founding projects (from September 2006), the partners of the original alliance agreed to cooperate in four horizontal working areas. The aim was to develop practical tools, guides and methods that improve the quality and impact of cluster policies and programmes:

    - measuring the economic impact of cluster policies and programmes
    - identifying financial resources to support cluster policies
    - improving cluster infrastructure through cluster policy
    - identifying the main activities of cluster programmes, with emphasis on internationalisation

    Associated partners could join one or two of these areas. Note that this describes how the alliance worked around 2008.

topic-finnish-clusters = Finnish clusters
    .description = Finland's ECA member and Finnish clusters on the ECCP
topic-finnish-clusters-body =
    Finland takes part in the ECA through **East and North Finland**, one of the national cluster associations in the alliance.

    Many Finnish clusters are profiled on the European Cluster Collaboration Platform, for example:

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

    This is just a selection: the full list, from defence and aerospace to food, water and Arctic tourism, is on [clustercollaboration.eu](https://www.clustercollaboration.eu).

topic-sectors = Industries and sectors
    .description = Cluster industries and sectors you can find on the ECCP
topic-sectors-body =
    The ECCP sorts clusters by industry and sector. A selection of what you can find there:

    - agri-food, agri-tech and aquatic products
    - aviation and space
    - bioeconomy and green economy
    - energy and engineering
    - construction and manufacturing
    - maritime and water management
    - information technology and tech
    - smart cities and transport
    - tourism, fashion and clothing
    - security, mining and packaging
    - social economy, education and science

    There are many more, from audiovisual and the beauty industry to financial services and sports. You can browse clusters by sector on [clustercollaboration.eu](https://www.clustercollaboration.eu).

topic-newsletter = Newsletter and updates
    .description = ECCP newsletter, LinkedIn group and digests in this chat
topic-newsletter-body =
    The **ECCP newsletter** is the largest information hub for the cluster community, with the latest news and open calls. You can sign up on [clustercollaboration.eu](https://www.clustercollaboration.eu).

    The ECCP also has a general discussion group on LinkedIn:

    - knowledge sharing: swap best practices and gain insight
    - collaboration opportunities: connect with ECCP members
    - staying up to date: weekly ECCP updates in one place

    I can also bring the news here: /digest weekly sends this chat a digest of ECCP and alliance news, new calls and deadlines closing soon every Monday at 09:00 (or when you choose, e.g. /digest weekly fri 14:00).

topic-reminders = Deadline reminders
    .description = Get reminded of call deadlines in this chat
topic-reminders-body =
    I can remind this chat of call deadlines and event dates, so that nothing slips through:

    - /calls lists the open calls and upcoming events
    - /subscribe follows all of them; /subscribe and a call's id (or a topic such as academy) follows just that
    - reminders come 7 days, 1 day and 1 hour before the deadline; /remind 3d 2h chooses your own times
    - /timezone Europe/Helsinki shows every time in your zone (the default is Europe/Brussels)
    - /quiet 22:00-07:00 holds reminders during the night, unless the deadline would pass first
    - /subscriptions shows what you follow and when the next reminder comes
    - /ics sends your deadlines as a calendar file
    - /unsubscribe stops the reminders

    Each reminder has buttons to be reminded again later, or to say you have applied.
