//! Value objects: parse, don't validate. Lengths count characters, not bytes.

use crate::DomainError;
use serde::{Deserialize, Serialize};

/// Characters that show nothing: a text made only of them (and white space) is blank.
fn invisible(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{180E}' | '\u{00AD}')
}

/// `value` without white space and invisible characters (U+FEFF, zero-width spaces and
/// joiners, word joiner, soft hyphen) at either end.
pub fn trim_blank(value: &str) -> &str {
    value.trim_matches(invisible)
}

/// Trims `value` (white space and invisible characters) and checks its length in characters
/// and that it has no control characters (newlines and tabs are allowed when `multiline`).
pub fn text(field: &'static str, value: &str, min: usize, max: usize, multiline: bool) -> Result<String, DomainError> {
    let normalised = trim_blank(value).replace("\r\n", "\n");
    let v = normalised.as_str();
    if let Some(c) = v.chars().find(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\t' | '\r'))) {
        return Err(DomainError::invalid(field, format!("contains a control character U+{:04X}", c as u32)));
    }
    let n = v.chars().count();
    if n < min {
        return Err(DomainError::invalid(
            field,
            if min == 1 { "must not be empty".to_string() } else { format!("must be at least {min} characters") },
        ));
    }
    if n > max {
        return Err(DomainError::invalid(field, format!("must be at most {max} characters")));
    }
    Ok(normalised)
}

/// A public display name, shown on participant lists: NFKC-normalised (full-width letters,
/// compatibility forms), white space collapsed to single spaces, 1–50 characters, and none of
/// the characters that hide or reorder text (format characters such as U+200B and U+202E, line
/// and paragraph separators, fillers, private use). Nobody may take a placeholder the platform
/// shows for others ([`ERASED_DISPLAY_NAME`](crate::directory::ERASED_DISPLAY_NAME)); a resident
/// may not take a name that looks like an office ([`DisplayName::check_resident`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct DisplayName(String);

impl TextValue for DisplayName {
    const FIELD: &'static str = "displayName";
    fn parse(value: &str) -> Result<Self, DomainError> {
        use unicode_normalization::UnicodeNormalization;
        let normalised: String = value.nfkc().collect();
        if let Some(c) = normalised.chars().find(|c| c.is_control()) {
            return Err(DomainError::invalid(Self::FIELD, format!("contains a control character U+{:04X}", c as u32)));
        }
        if let Some(c) = normalised.chars().find(|c| hides_text(*c)) {
            return Err(DomainError::invalid(Self::FIELD, format!("contains U+{:04X}, a character that hides or reorders text", c as u32)));
        }
        let collapsed = normalised.split_whitespace().collect::<Vec<_>>().join(" ");
        let name = text(Self::FIELD, &collapsed, 1, 50, false)?;
        if RESERVED_NAMES.iter().any(|r| display_name_key(r) == display_name_key(&name)) {
            return Err(DomainError::invalid(Self::FIELD, "is a name the platform shows for others"));
        }
        Ok(DisplayName(name))
    }
    fn as_str(&self) -> &str {
        &self.0
    }
    fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for DisplayName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Placeholders the platform itself shows (in both languages): nobody may take them.
const RESERVED_NAMES: &[&str] = &[crate::directory::ERASED_DISPLAY_NAME, "Erased resident", "已注销用户"];

/// Words that make a name read as an office, a unit or the platform itself.
const OFFICIAL_WORDS: &[&str] = &[
    "政府",
    "政务",
    "公开办",
    "办公室",
    "办公厅",
    "委员会",
    "人大",
    "政协",
    "法院",
    "检察院",
    "公安",
    "官方",
    "管理员",
    "客服",
    "承办单位",
    "参与平台",
    "admin",
    "official",
    "government",
    "moderator",
    "canyu",
];
/// A place or level of government …
const PLACES: &[&str] = &["国家", "省", "市", "州", "县", "区", "镇", "乡", "街道"];
/// … followed, at the end of a name, by the word for an office: "市交通运输局", "北辛街道办".
const OFFICE_ENDINGS: &[&str] = &["局", "厅", "办", "委", "署", "院", "所", "站", "中心", "部", "处", "司", "会", "队"];

impl DisplayName {
    /// The form in which two names are the same name: NFKC, without white space, lower case.
    pub fn key(&self) -> String {
        display_name_key(&self.0)
    }

    /// A resident's name may not read as an office or unit: no official word (政府, 政务,
    /// 公开办, 管理员, "official", …), and not a place followed by an office ending
    /// ("市交通运输局", "北辛街道办"). Staff and admins are named by the openness office.
    pub fn check_resident(&self) -> Result<(), DomainError> {
        let key = self.key();
        if let Some(word) = OFFICIAL_WORDS.iter().find(|w| key.contains(*w)) {
            return Err(DomainError::invalid(Self::FIELD, format!("may not read as an office or the platform (it contains “{word}”)")));
        }
        if PLACES.iter().any(|p| key.contains(p)) && OFFICE_ENDINGS.iter().any(|e| key.ends_with(e)) {
            return Err(DomainError::invalid(Self::FIELD, "may not read as the name of an office or unit"));
        }
        Ok(())
    }
}

/// [`DisplayName::key`] of any stored name (names stored before normalisation included).
pub fn display_name_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfkc().filter(|c| !c.is_whitespace() && !hides_text(*c)).flat_map(char::to_lowercase).collect()
}

/// Characters that show nothing or change the order text is shown in: Unicode's format
/// characters (Cf: zero-width spaces and joiners, bidirectional embeddings, overrides and
/// isolates, the BOM, tags …), the line and paragraph separators, the Hangul and Braille
/// fillers, variation selectors and private use.
fn hides_text(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{E000}'..='\u{F8FF}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
            | '\u{F0000}'..='\u{10FFFF}'
    )
}

/// A value object parsed from text: what a command carries instead of a raw `String`.
pub trait TextValue: Sized {
    /// The input field named in a parse error.
    const FIELD: &'static str;
    /// Parses (trims, normalises line ends) and checks length and characters.
    fn parse(value: &str) -> Result<Self, DomainError>;
    /// Like [`TextValue::parse`], but `None` or blank is `None`.
    fn parse_optional(value: Option<&str>) -> Result<Option<Self>, DomainError> {
        match value.map(trim_blank) {
            None | Some("") => Ok(None),
            Some(v) => Self::parse(v).map(Some),
        }
    }
    fn as_str(&self) -> &str;
    fn into_string(self) -> String;
}

macro_rules! text_value {
    ($( $(#[$doc:meta])* $name:ident = $field:literal, $min:literal ..= $max:literal, $lines:ident; )*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
            #[serde(transparent)]
            pub struct $name(String);

            impl TextValue for $name {
                const FIELD: &'static str = $field;
                fn parse(value: &str) -> Result<Self, DomainError> {
                    text($field, value, $min, $max, text_value!(@multiline $lines)).map($name)
                }
                fn as_str(&self) -> &str {
                    &self.0
                }
                fn into_string(self) -> String {
                    self.0
                }
            }

            impl std::fmt::Display for $name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(&self.0)
                }
            }
        )*
    };
    (@multiline lines) => { true };
    (@multiline line) => { false };
}

text_value! {
    /// A decision's title (one line, 1–200 characters).
    Title = "title", 1..=200, line;
    /// A decision's summary in the catalogue (up to 5,000 characters).
    DecisionSummary = "summary", 0..=5000, lines;
    /// The legal basis of a confidential item.
    ConfidentialityBasis = "confidentialityBasis", 1..=500, lines;
    /// Why an item joins a catalogue after its publication.
    AdditionReason = "additionReason", 1..=1000, lines;
    /// The drafting background (起草背景).
    BackgroundText = "text", 1..=50_000, lines;
    /// A draft's text; each non-blank line is a clause.
    DraftText = "text", 1..=200_000, lines;
    /// The drafting explanation (起草说明).
    Explanation = "explanation", 0..=50_000, lines;
    /// What changed from the previous draft.
    ChangeNote = "changeNote", 0..=10_000, lines;
    /// How to take part in a consultation.
    HowToSubmit = "howToSubmit", 0..=2000, lines;
    /// Why an online consultation is shorter than 30 days, stated when it opens.
    ShortenedReason = "shortenedReason", 1..=1000, lines;
    /// Why a consultation closes before its announced end.
    CloseReason = "reason", 1..=1000, lines;
    /// What an offline participation activity found.
    ActivitySummary = "summary", 1..=5000, lines;
    /// What was delivered to a hearing's participants (Decree 713 Art. 17).
    MaterialsList = "materials", 1..=5000, lines;
    /// The hearing record (笔录), published after the hearing.
    HearingRecordText = "text", 1..=200_000, lines;
    /// A participant's objection to the hearing record.
    ObjectionNote = "note", 1..=2000, lines;
    /// The legal basis for deciding without public participation (Decree 713 Art. 14).
    ExemptionBasis = "legalBasis", 1..=2000, lines;
    /// A grouped opinion's summary.
    OpinionSummary = "summary", 1..=5000, lines;
    /// Why an opinion is not (or only partly) adopted.
    Rationale = "rationale", 1..=5000, lines;
    /// The feedback report (意见采纳情况).
    ReportSummary = "summary", 1..=20_000, lines;
    /// The decision meeting's summary.
    MeetingSummary = "summary", 1..=20_000, lines;
    /// Dissent recorded at the meeting.
    Dissent = "dissent", 0..=20_000, lines;
    /// An observer's (列席) name.
    ObserverName = "observers.name", 1..=100, line;
    /// An observer's affiliation.
    Affiliation = "observers.affiliation", 0..=200, line;
    /// An observer's opinion.
    ObserverOpinion = "observers.opinion", 0..=5000, lines;
    /// Why an observer's opinion was not, or only partly, adopted.
    ObserverRationale = "observers.rationale", 1..=5000, lines;
    /// The published decision's text.
    ResultText = "text", 1..=200_000, lines;
    /// The decision's document number (文号).
    DocumentNumber = "documentNumber", 1..=100, line;
    /// The policy interpretation (政策解读).
    Interpretation = "interpretation", 1..=50_000, lines;
    /// Why a decision is withdrawn.
    WithdrawalReason = "reason", 1..=2000, lines;
    /// A comment's body (at most [`MAX_COMMENT_CHARS`](crate::comment::MAX_COMMENT_CHARS)).
    Body = "body", 1..=5000, lines;
    /// Why a comment is hidden.
    HideReason = "reason", 1..=1000, lines;
    /// The clause a comment is on, as the draft names it.
    ClauseId = "clauseId", 1..=64, line;
    /// A hearing's venue.
    Venue = "venue", 1..=500, line;
    /// A hearing's published selection rules.
    SelectionRules = "selectionRules", 1..=10_000, lines;
    /// A stakeholder group a hearing declares.
    DeclaredGroup = "stakeholderGroups", 1..=100, line;
    /// The stakeholder group a sign-up names.
    StakeholderGroup = "stakeholderGroup", 1..=100, line;
    /// A sign-up's statement.
    Statement = "statement", 0..=1000, lines;
    /// The published seed of a hearing's draw.
    Seed = "seed", 1..=200, line;
    /// The summary of a hearing's record (笔录).
    RecordSummary = "recordSummary", 1..=50_000, lines;
    /// An undertaking unit's name.
    UnitName = "name", 1..=100, line;
    /// A person's real name (personal data: sealed, never stored readable).
    FullName = "fullName", 1..=50, line;
}

macro_rules! closed_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $s:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $( #[serde(rename = $s)] $variant ),* }
        impl $name {
            /// All values, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            /// The stored and GraphQL name.
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $s),* } }
            /// Parses the stored name; `field` names the input in the error.
            pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
                match s { $($s => Ok($name::$variant),)* _ => Err(DomainError::invalid(field, format!("unknown value {s:?}"))) }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

closed_enum!(
    /// Disclosure attribute of a record (OGI Art. 13-16).
    Disclosure { Public = "PUBLIC", OnRequest = "ON_REQUEST", Confidential = "CONFIDENTIAL" }
);
closed_enum!(
    /// Consultation channel (Decree 713 Art. 14).
    Channel { Online = "ONLINE", Written = "WRITTEN", Symposium = "SYMPOSIUM", FieldVisit = "FIELD_VISIT", Questionnaire = "QUESTIONNAIRE", OpinionPoll = "OPINION_POLL" }
);
closed_enum!(
    /// Kind of an offline participation activity.
    ActivityKind { Symposium = "SYMPOSIUM", Written = "WRITTEN", FieldVisit = "FIELD_VISIT", Questionnaire = "QUESTIONNAIRE", OpinionPoll = "OPINION_POLL" }
);
closed_enum!(
    /// Account role.
    Role { Resident = "RESIDENT", UnitStaff = "UNIT_STAFF", Admin = "ADMIN" }
);
closed_enum!(
    /// How hearing participants are selected.
    SelectionMethod { FirstCome = "FIRST_COME", Lottery = "LOTTERY" }
);
closed_enum!(
    /// Adoption outcome of an opinion.
    AdoptionOutcome { Adopted = "ADOPTED", PartiallyAdopted = "PARTIALLY_ADOPTED", NotAdopted = "NOT_ADOPTED" }
);
closed_enum!(
    /// Kind of the decision meeting.
    MeetingKind { ExecutiveMeeting = "EXECUTIVE_MEETING", Plenary = "PLENARY" }
);
closed_enum!(
    /// Stage of a decision, derived from its events.
    Stage { Listed = "LISTED", Drafting = "DRAFTING", Consulting = "CONSULTING", Feedback = "FEEDBACK", Deliberation = "DELIBERATION", Decided = "DECIDED", Withdrawn = "WITHDRAWN" }
);
closed_enum!(
    /// Status of a consultation at a moment: SCHEDULED before it opens, OPEN, CLOSED after its
    /// end or an early close (derived, never stored).
    ConsultationStatus { Scheduled = "SCHEDULED", Open = "OPEN", Closed = "CLOSED" }
);
closed_enum!(
    /// Status of a hearing at a moment (derived, never stored).
    HearingStatus { OpenForSignup = "OPEN_FOR_SIGNUP", SignupClosed = "SIGNUP_CLOSED", Drawn = "DRAWN", ParticipantsPublished = "PARTICIPANTS_PUBLISHED", Held = "HELD" }
);
closed_enum!(
    /// Status of a hearing sign-up.
    SignupStatus { Accepted = "ACCEPTED", Waitlisted = "WAITLISTED", PendingDraw = "PENDING_DRAW", NotSelected = "NOT_SELECTED", Withdrawn = "WITHDRAWN" }
);

/// A username: 3-32 of `a-z 0-9 _ . -`, case-insensitive (stored lower-case).
pub fn username(value: &str) -> Result<String, DomainError> {
    let v = value.trim().to_lowercase();
    let n = v.chars().count();
    if !(3..=32).contains(&n) {
        return Err(DomainError::invalid("username", "must be 3 to 32 characters"));
    }
    if !v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
        return Err(DomainError::invalid("username", "may contain only letters, digits, '_', '.' and '-'"));
    }
    Ok(v)
}

/// A password: 8-128 characters, not trimmed.
pub fn password(value: &str) -> Result<&str, DomainError> {
    let n = value.chars().count();
    if !(8..=128).contains(&n) {
        return Err(DomainError::invalid("password", "must be 8 to 128 characters"));
    }
    Ok(value)
}

/// A mainland China mobile number or a landline with area code: digits, optional `+86`, `-`.
pub fn phone(value: &str) -> Result<String, DomainError> {
    let v: String = value.trim().chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let digits = v.strip_prefix("+86").unwrap_or(&v);
    if !(7..=12).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(DomainError::invalid("phone", "must be a phone number of 7 to 12 digits"));
    }
    Ok(digits.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_body_holds_exactly_the_comment_limit() {
        assert!(Body::parse(&"意".repeat(crate::comment::MAX_COMMENT_CHARS)).is_ok());
        assert!(Body::parse(&"意".repeat(crate::comment::MAX_COMMENT_CHARS + 1)).is_err());
    }

    #[test]
    fn optional_text_values_treat_blank_as_absent() {
        assert_eq!(Rationale::parse_optional(Some(" \n ")), Ok(None));
        assert_eq!(Rationale::parse_optional(None), Ok(None));
        assert_eq!(Rationale::parse_optional(Some(" 理由 ")).unwrap().map(TextValue::into_string), Some("理由".to_string()));
    }

    #[test]
    fn text_counts_characters_not_bytes() {
        let five_thousand_han: String = "意".repeat(5000);
        assert!(text("body", &five_thousand_han, 1, 5000, true).is_ok());
        let too_long = "意".repeat(5001);
        assert_eq!(text("body", &too_long, 1, 5000, true).unwrap_err(), DomainError::invalid("body", "must be at most 5000 characters"));
    }

    #[test]
    fn text_trims_and_rejects_blank_and_control_characters() {
        assert_eq!(text("title", "  标题 ", 1, 10, false).unwrap(), "标题");
        assert!(matches!(text("title", "   ", 1, 10, false), Err(DomainError::Invalid { field: "title", .. })));
        assert!(text("title", "a\u{0}b", 1, 10, false).is_err());
        assert!(text("title", "a\nb", 1, 10, false).is_err());
        assert_eq!(text("body", "a\r\nb", 1, 10, true).unwrap(), "a\nb");
    }

    #[test]
    fn enums_parse_their_stored_names_only() {
        assert_eq!(Channel::parse("channel", "ONLINE").unwrap(), Channel::Online);
        assert!(Channel::parse("channel", "online").is_err());
        assert_eq!(Stage::Decided.as_str(), "DECIDED");
    }

    #[test]
    fn usernames_phones_and_passwords_are_checked() {
        assert_eq!(username(" Li_Ming ").unwrap(), "li_ming");
        assert!(username("李明").is_err());
        assert!(username("ab").is_err());
        assert_eq!(phone("+86 138-0000-0000").unwrap(), "13800000000");
        assert!(phone("call me").is_err());
        assert!(password("short").is_err());
        assert!(password("long enough").is_ok());
    }
}
