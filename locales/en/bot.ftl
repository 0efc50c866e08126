# Conversation messages. Markup: blank line = new paragraph, "- " = list item, **bold**, [label](url).

# This language's own name, as shown in the language menu.
language-name = English

welcome =
    Hello! I'm **ecabot**, the assistant of the European Clusters Alliance.

    Ask me anything about the alliance in your own words, for example "How do I join?" or "Who is the member in Poland?", or pick a topic below. You can change the language with /language (languages: { $languages }).

help =
    Ask me a question in your own words, or use a command:

    - /topics: everything I can tell you about
    - /members country: the member association in a country, e.g. /members Finland
    - /join, /eligibility, /events and the other topic names: that topic directly
    - /calls: open calls and upcoming events
    - /subscribe: reminders of deadlines (/subscriptions, /remind, /timezone, /quiet, /ics, /unsubscribe)
    - /digest: a newsletter digest in this chat, weekly or daily
    - /language: show or change the language I speak
    - /help: this message

topics-intro = Here is what I can tell you about. Pick a topic:

unknown-question =
    Sorry, I don't know about that. I answer questions about the European Clusters Alliance, its members, events and calls.

    Try rephrasing, or pick a topic:

see-also = You might also mean:

unknown-command = I don't know the command /{ $command }. Type /help to see what I can do.

empty-input = Ask me anything about the European Clusters Alliance, or pick a topic:

no-words = I read text questions only. Ask me in words, or pick a topic:

too-long = That message is too long for me ({ NUMBER($length) } characters). Please ask in fewer than { NUMBER($max) } characters.

unknown-deep-link = That link is not valid any more. Here is what I can tell you about:

language-current = Current language: { $language }. All languages: { $languages }. Change with /language followed by a code, e.g. /language fi, or /language auto to follow your app's language.

language-set = From now on I'll speak English in this chat.

language-auto = From now on I'll follow your app's language (now: { $language }).

language-unknown = I don't speak "{ $code }" yet. Choose one of: { $languages }.

store-error = Sorry, I couldn't save that just now. Please try again in a moment.

button-topics = All topics

members-list-heading = National associations in the alliance ({ $as_of } list):

members-in-country =
    { $count ->
        [one] The alliance's member { $country_in } is **{ $associations }**.
       *[other] The alliance has { $count } member associations { $country_in }: { $associations }.
    } To get involved, contact them; they connect clusters in their country with the alliance.

members-none-in-country = The alliance has no national member association { $country_in } (member list of { $as_of }). You can still contact the alliance directly: see /contact.

members-unknown-country = I don't recognise "{ $query }" as a country. Members are listed for: { $countries }.

join-country-member = { $country_in }, your way in is { $associations }.

slow-down = You are writing faster than I can read. I'll take a short break from this conversation and answer again in a minute.

admins-only = In a group, only its administrators can change its subscriptions, language, time zone and quiet hours. Everyone can still ask me questions.

admins-unknown = I could not check whether you are an administrator of this group, so I changed nothing. Please try again in a moment.

## The command menu shown next to the input field (one line each, at most 256 characters).
menu-start = Welcome and the topic menu
menu-help = What I can do and how to ask
menu-topics = Everything I can tell you about
menu-calls = Open calls and upcoming events
menu-subscribe = Get reminders of deadlines
menu-subscriptions = What this chat is reminded of
menu-unsubscribe = Stop reminders
menu-remind = When reminders come, e.g. 7d 1d 1h
menu-timezone = Set this chat's time zone
menu-quiet = Hours without reminders, e.g. 22:00-07:00
menu-ics = This chat's deadlines as a calendar file
menu-digest = Newsletter digest, e.g. weekly fri 14:00
menu-language = Show or change my language

## Small talk: a short reply in kind, then what the bot can do.

smalltalk-greeting = Hello! I'm **ecabot**, the assistant of the European Clusters Alliance. Ask me about the alliance, its members in each country, the Cluster Management Quality Label, events and open calls, or tap a topic.
smalltalk-thanks = You're welcome! Ask me anything else about the alliance whenever you like.
smalltalk-goodbye = Goodbye, and good luck with your cluster! I'm here whenever you need me, and I'll send the reminders you've asked for.
smalltalk-identity = I'm **ecabot**, a bot, not a person: the European Clusters Alliance's assistant on Telegram and Discord. I answer questions about the alliance and remind you of call and event deadlines. To reach the people behind the alliance, see Contact.
smalltalk-capabilities =
    Here is what I can do:

    - answer questions about the European Clusters Alliance in your own words: joining, members, the Quality Label, the ECCP, events
    - tell you the member association in any country, e.g. /members Finland
    - list open calls and events (/calls) and remind you before their deadlines (/subscribe)
    - send this chat a digest of the alliance's news (/digest)

    Type /help for every command.
smalltalk-nonsense = I didn't catch that. Ask me a question in your own words, or pick a topic.
smalltalk-insult = Sorry I couldn't help you there. Try asking in other words or pick a topic; for anything I can't answer, the alliance's staff can help.

# A message in a language the bot does not speak yet; $languages lists those it does.
languages-spoken = Sorry, I don't speak that language yet. I speak { $languages }: write to me in one of them, or choose one below.
