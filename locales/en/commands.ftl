# Commands as platforms with localized command lists show them (Discord's slash commands).
# A command's name here is what people see and type in this language; the bot always knows the
# command by its English id. Names: lowercase letters, digits, - and _, at most 32 characters.
# Descriptions: at most 100 characters.

menu-ask = Ask anything about the alliance in your own words

command-ask = ask
command-help = help
command-topics = topics
command-calls = calls
command-subscribe = subscribe
command-subscriptions = subscriptions
command-unsubscribe = unsubscribe
command-remind = remind
command-timezone = timezone
command-quiet = quiet
command-ics = ics
command-digest = digest
command-language = language

command-about = about
command-history = history
command-objectives = objectives
command-join = join
command-members = members
command-eligibility = eligibility
command-clusters = clusters
command-cluster-organisations = cluster-organisations
command-impact = impact
command-policy = policy
command-eccp = eccp
command-events = events
command-academy = academy
command-representation = representation
command-contact = contact
command-cee-clusternetwork = cee-clusternetwork
command-working-areas = working-areas
command-finnish-clusters = finnish-clusters
command-sectors = sectors
command-newsletter = newsletter
command-reminders = reminders

# The one option of each command that takes one.
option-ask = question
    .description = Your question, e.g. how do I join?
option-subscribe = call
    .description = A call or event, a topic, or all
option-unsubscribe = call
    .description = What to stop: a call, a topic, or all (empty: everything)
option-remind = times
    .description = Lead times, e.g. 7d 1d 1h, or default (empty: show them)
option-timezone = zone
    .description = An IANA time zone, e.g. Europe/Helsinki (empty: show it)
option-quiet = hours
    .description = e.g. 22:00-07:00, or off (empty: show them)
option-digest = schedule
    .description = weekly, weekly fri 14:00, daily 08:30, preview or off (empty: show it)
option-language = language
    .description = A language, or auto to follow your app (empty: show it)
option-members = country
    .description = The country whose member you are looking for

language-follow-app = Follow my app's language
