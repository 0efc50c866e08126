//! Slash commands: every core command as a Discord application command, named and described
//! in every language of the catalog. The commands only turn an invocation into the text the
//! core reads (`/members Poland`); what it means is the core's business.
//!
//! A command's English name (`language`, `cluster-organisations`) is the contract that
//! interactions carry whatever the user sees, so renaming one in a locale file is safe.

use std::{sync::Arc, time::Duration};

use ecabot_core::{Bot, Locale, MENU_COMMANDS, Suggest, TopicId};
use poise::serenity_prelude as serenity;

use crate::{Discord, DiscordError, send::chat_ref};

pub(crate) type Data = Arc<Discord>;
pub(crate) type AppCtx<'a> = poise::ApplicationContext<'a, Data, DiscordError>;
pub(crate) type Command = poise::Command<Data, DiscordError>;

/// Discord's limits on command texts.
const NAME_LIMIT: usize = 32;
const DESCRIPTION_LIMIT: usize = 100;
const CHOICES_LIMIT: usize = 25;
const CHOICE_TEXT_LIMIT: usize = 100;
/// Autocomplete must answer within Discord's 3 s; storage slower than this gives no choices.
const SUGGEST_TIMEOUT: Duration = Duration::from_millis(2_000);

/// `start` is Telegram's entry point (deep links) and has no Discord counterpart; every other
/// menu command of the core is a slash command.
const NOT_ON_DISCORD: &str = "start";

/// The core's menu commands offered as slash commands, in menu order.
fn core_commands() -> impl Iterator<Item = &'static str> {
    MENU_COMMANDS
        .into_iter()
        .filter(|name| *name != NOT_ON_DISCORD)
}

#[poise::command(slash_command)]
async fn ask(ctx: AppCtx<'_>, question: String) -> Result<(), DiscordError> {
    ctx.data().clone().command(ctx, question).await
}

#[poise::command(slash_command)]
async fn plain(ctx: AppCtx<'_>) -> Result<(), DiscordError> {
    run(ctx, None).await
}

#[poise::command(slash_command)]
async fn subscribe(
    ctx: AppCtx<'_>,
    #[autocomplete = "open_calls"] call: Option<String>,
) -> Result<(), DiscordError> {
    run(ctx, call).await
}

#[poise::command(slash_command)]
async fn unsubscribe(
    ctx: AppCtx<'_>,
    #[autocomplete = "own_subscriptions"] call: Option<String>,
) -> Result<(), DiscordError> {
    run(ctx, call).await
}

#[poise::command(slash_command)]
async fn remind(ctx: AppCtx<'_>, times: Option<String>) -> Result<(), DiscordError> {
    run(ctx, times).await
}

#[poise::command(slash_command)]
async fn timezone(
    ctx: AppCtx<'_>,
    #[autocomplete = "zones"] zone: Option<String>,
) -> Result<(), DiscordError> {
    run(ctx, zone).await
}

#[poise::command(slash_command)]
async fn quiet(ctx: AppCtx<'_>, hours: Option<String>) -> Result<(), DiscordError> {
    run(ctx, hours).await
}

#[poise::command(slash_command)]
async fn digest(ctx: AppCtx<'_>, schedule: Option<String>) -> Result<(), DiscordError> {
    run(ctx, schedule).await
}

#[poise::command(slash_command)]
async fn language(
    ctx: AppCtx<'_>,
    #[autocomplete = "languages"] language: Option<String>,
) -> Result<(), DiscordError> {
    run(ctx, language).await
}

#[poise::command(slash_command)]
async fn members(
    ctx: AppCtx<'_>,
    #[autocomplete = "countries"] country: Option<String>,
) -> Result<(), DiscordError> {
    run(ctx, country).await
}

/// `/name argument` as the core's command line; the invoked name is the English contract.
async fn run(ctx: AppCtx<'_>, argument: Option<String>) -> Result<(), DiscordError> {
    let mut text = format!("/{}", ctx.command().name);
    if let Some(argument) = argument.filter(|a| !a.trim().is_empty()) {
        text.push(' ');
        text.push_str(&argument);
    }
    ctx.data().clone().command(ctx, text).await
}

async fn open_calls(ctx: AppCtx<'_>, typed: &str) -> serenity::CreateAutocompleteResponse {
    suggest(ctx, Suggest::OpenCall, typed).await
}

async fn own_subscriptions(ctx: AppCtx<'_>, typed: &str) -> serenity::CreateAutocompleteResponse {
    suggest(ctx, Suggest::Subscription, typed).await
}

async fn zones(ctx: AppCtx<'_>, typed: &str) -> serenity::CreateAutocompleteResponse {
    suggest(ctx, Suggest::Zone, typed).await
}

async fn languages(ctx: AppCtx<'_>, typed: &str) -> serenity::CreateAutocompleteResponse {
    suggest(ctx, Suggest::Language, typed).await
}

async fn countries(ctx: AppCtx<'_>, typed: &str) -> serenity::CreateAutocompleteResponse {
    suggest(ctx, Suggest::Country, typed).await
}

async fn suggest(
    ctx: AppCtx<'_>,
    what: Suggest,
    typed: &str,
) -> serenity::CreateAutocompleteResponse {
    let interaction = ctx.interaction;
    let chat = chat_ref(interaction.channel_id);
    let core = &ctx.data().core;
    let found = tokio::time::timeout(
        SUGGEST_TIMEOUT,
        core.suggest(&chat, Some(&interaction.locale), what, typed, CHOICES_LIMIT),
    )
    .await;
    let suggestions = match found {
        Ok(Ok(suggestions)) => suggestions,
        Ok(Err(error)) => {
            tracing::error!(%chat, %error, "could not suggest");
            Vec::new()
        }
        Err(_) => {
            tracing::warn!(%chat, "suggestions took too long");
            Vec::new()
        }
    };
    let choices = suggestions
        .into_iter()
        .filter(|s| s.value.chars().count() <= CHOICE_TEXT_LIMIT)
        .map(|s| {
            serenity::AutocompleteChoice::new(
                ecabot_core::model::text::truncate(&s.label, CHOICE_TEXT_LIMIT),
                s.value,
            )
        })
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Every slash command, localized from the core's catalog: `/ask`, the core commands, and
/// one command per topic.
pub(crate) fn all(core: &Bot) -> Vec<Command> {
    let mut commands = vec![ask()];
    for name in core_commands() {
        let mut command = match name {
            "subscribe" => subscribe(),
            "unsubscribe" => unsubscribe(),
            "remind" => remind(),
            "timezone" => timezone(),
            "quiet" => quiet(),
            "digest" => digest(),
            "language" => language(),
            _ => plain(),
        };
        rename(&mut command, name);
        commands.push(command);
    }
    for topic in TopicId::all() {
        let mut command = if topic.as_str() == "members" {
            members()
        } else {
            plain()
        };
        rename(&mut command, topic.as_str());
        commands.push(command);
    }
    for command in &mut commands {
        localize(command, core);
    }
    commands
}

fn rename(command: &mut Command, name: &str) {
    command.name = name.to_owned().into();
    command.qualified_name = name.to_owned().into();
    command.identifying_name = name.to_owned().into();
}

/// Where a command's description lives in the catalog.
fn description(core: &Bot, locale: Locale, name: &str) -> String {
    let cat = &core.knowledge().catalog;
    let text = match name.parse::<TopicId>() {
        Ok(topic) => cat
            .attr(locale, &topic.title_id(), "description")
            .unwrap_or_else(|| cat.get(locale, &topic.title_id())),
        Err(_) => cat.get(locale, &format!("menu-{name}")),
    };
    ecabot_core::model::text::truncate(&text, DESCRIPTION_LIMIT).into_owned()
}

/// Names and descriptions of the command and its option in the bot's default language, and
/// as localizations for every Discord locale of every catalog language. A translated name that
/// Discord would refuse is left out (with a warning) rather than failing the registration.
fn localize(command: &mut Command, core: &Bot) {
    let cat = &core.knowledge().catalog;
    let default = core.default_locale();
    let name = command.name.to_string();
    command.description = Some(description(core, default, &name).into());
    let option_id = format!("option-{name}");
    let mut names = Vec::new();
    let mut descriptions = Vec::new();
    let mut option_names = Vec::new();
    let mut option_descriptions = Vec::new();
    for &locale in cat.locales() {
        let local_name = cat.get(locale, &format!("command-{name}"));
        let local_option = cat.get(locale, &option_id);
        let option_description = cat
            .attr(locale, &option_id, "description")
            .map(|d| ecabot_core::model::text::truncate(&d, DESCRIPTION_LIMIT).into_owned());
        for key in discord_locales(locale) {
            let key = key.to_string();
            if valid_name(&local_name) {
                names.push((key.clone().into(), local_name.clone().into()));
            } else {
                tracing::warn!(%locale, command = %name, "a command name Discord would refuse; left out");
            }
            descriptions.push((key.clone().into(), description(core, locale, &name).into()));
            if valid_name(&local_option) {
                option_names.push((key.clone().into(), local_option.clone().into()));
            }
            if let Some(d) = &option_description {
                option_descriptions.push((key.into(), d.clone().into()));
            }
        }
    }
    command.name_localizations = names.into();
    command.description_localizations = descriptions.into();
    for parameter in &mut command.parameters {
        parameter.description = cat.attr(default, &option_id, "description").map(|d| {
            ecabot_core::model::text::truncate(&d, DESCRIPTION_LIMIT)
                .into_owned()
                .into()
        });
        parameter.name_localizations = option_names.clone().into();
        parameter.description_localizations = option_descriptions.clone().into();
    }
}

/// The Discord locales a catalog language serves. Discord knows only its own list of locale
/// keys, some with a region (`sv-SE`), and none at all for some member languages (`lv`, `sk`).
pub(crate) fn discord_locales(locale: Locale) -> &'static [&'static str] {
    let tag = locale.as_str();
    let language = tag.split('-').next().unwrap_or(tag);
    match language {
        "en" => &["en-US", "en-GB"],
        "es" => &["es-ES", "es-419"],
        "sv" => &["sv-SE"],
        "pt" => &["pt-BR"],
        "zh" => &["zh-CN", "zh-TW"],
        "bg" => &["bg"],
        "cs" => &["cs"],
        "da" => &["da"],
        "de" => &["de"],
        "el" => &["el"],
        "fi" => &["fi"],
        "fr" => &["fr"],
        "hr" => &["hr"],
        "hu" => &["hu"],
        "it" => &["it"],
        "lt" => &["lt"],
        "nl" => &["nl"],
        "no" | "nb" => &["no"],
        "pl" => &["pl"],
        "ro" => &["ro"],
        "tr" => &["tr"],
        "uk" => &["uk"],
        _ => &[],
    }
}

/// Discord's rule for command and option names: 1 to 32 lowercase letters, digits, `-`, `_`.
pub(crate) fn valid_name(name: &str) -> bool {
    let count = name.chars().count();
    (1..=NAME_LIMIT).contains(&count)
        && name.chars().all(|c| {
            (c.is_alphanumeric() || c == '-' || c == '_') && c.to_lowercase().eq(std::iter::once(c))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_discord_rules() {
        assert!(valid_name("aikavyöhyke"));
        assert!(valid_name("cluster-organisations"));
        assert!(!valid_name("Kieli"));
        assert!(!valid_name("two words"));
        assert!(!valid_name(""));
        assert!(!valid_name(&"x".repeat(33)));
    }

    #[test]
    fn locales_map_to_discord_keys() {
        let en = Locale::parse("en").unwrap();
        assert_eq!(discord_locales(en), ["en-US", "en-GB"]);
        assert_eq!(discord_locales(Locale::parse("sv").unwrap()), ["sv-SE"]);
        assert!(discord_locales(Locale::parse("lv").unwrap()).is_empty());
    }

    /// Every translated command and option name is one Discord accepts, and every description
    /// fits, in every language of the catalog: a bad one would silently be left out.
    #[test]
    fn every_locale_names_and_describes_commands_within_discord_rules() {
        let catalog = ecabot_core::Catalog::embedded().unwrap();
        let names: Vec<String> = std::iter::once("ask")
            .chain(core_commands())
            .map(str::to_owned)
            .chain(TopicId::all().map(|t| t.as_str().to_owned()))
            .collect();
        for &locale in catalog.locales() {
            assert!(!discord_locales(locale).is_empty(), "{locale}");
            for name in &names {
                let local = catalog.get(locale, &format!("command-{name}"));
                assert!(valid_name(&local), "{locale}: command-{name} = {local:?}");
                let description = match name.parse::<TopicId>() {
                    Ok(topic) => catalog.attr(locale, &topic.title_id(), "description"),
                    Err(_) => Some(catalog.get(locale, &format!("menu-{name}"))),
                };
                let description = description.unwrap_or_default();
                assert!(
                    (1..=DESCRIPTION_LIMIT).contains(&description.chars().count()),
                    "{locale}: /{name}: {description:?}"
                );
            }
            for option in [
                "ask",
                "subscribe",
                "unsubscribe",
                "remind",
                "timezone",
                "quiet",
                "language",
                "members",
            ] {
                let id = format!("option-{option}");
                assert!(valid_name(&catalog.get(locale, &id)), "{locale}: {id}");
                let description = catalog.attr(locale, &id, "description").unwrap_or_default();
                assert!(
                    (1..=DESCRIPTION_LIMIT).contains(&description.chars().count()),
                    "{locale}: {id}"
                );
            }
        }
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(ecabot_core::model::text::truncate("short", 10), "short");
        assert_eq!(
            ecabot_core::model::text::truncate(&"x".repeat(120), 100)
                .chars()
                .count(),
            100
        );
    }
}
