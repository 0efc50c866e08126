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
