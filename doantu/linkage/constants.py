"""Every constant of name reading, scoring and decisions, in one place, each with where its value comes from.

Three kinds of source, said next to each value:

* **public** — a published frequency or a published rule (source named);
* **naming rule** — a rule of Vietnamese naming or of how martyr lists are written (reasoned, not counted);
* **tuned on linkage-dev** — chosen by looking at the figures on ``shared/data/linkage-dev``. These are the ones
  that may be fitted to that one file; the independent set (``bench/make_eval_set.py``) is how we check them.
* **judgement** — set by judgement of how lists and the public make mistakes, before any figure was looked at
  (the engine's first version says so of its m-probabilities); not counted anywhere.

Field-level weights of the scorer (``scoring.Weights``) and the decision thresholds (``engine.Decisions``) are
dataclasses whose defaults are taken from here, so a caller can still pass other values.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------------------------
# Name order: which word of a name is the surname (names.py)
# ---------------------------------------------------------------------------------------------------------------

# public: surname shares (fraction of the population) from the table in Wikipedia "Vietnamese name" (section
# "Family name"), citing Lê Trung Hoa, "Họ và tên người Việt Nam" (NXB KHXH, 2005). Hoàng/Huỳnh and Vũ/Võ are one
# surname written the Northern/Southern way: each spelling gets the pair's share (both are readings of it).
SURNAME_SHARES: dict[str, float] = {
    "Nguyễn": 0.384,
    "Trần": 0.121,
    "Lê": 0.095,
    "Phạm": 0.070,
    "Hoàng": 0.051,
    "Huỳnh": 0.051,
    "Phan": 0.045,
    "Vũ": 0.039,
    "Võ": 0.039,
    "Đặng": 0.021,
    "Bùi": 0.020,
    "Đỗ": 0.014,
    "Hồ": 0.013,
    "Ngô": 0.013,
    "Dương": 0.010,
    "Lý": 0.005,
}
# public (same table): the 14 listed surnames cover 90.1%; the remaining 9.9% is shared by the other surnames the
# engine knows (names.SURNAMES, ~110). Evenly spread: ~0.1% each.
OTHER_SURNAME_SHARE: float = 0.001
# naming rule: a word that is no known surname, nor one typo from one, is very rarely a surname (the list covers
# ≈ 99% of people); kept above zero for minority-language surnames the list lacks.
UNKNOWN_SURNAME_SHARE: float = 1e-5
# judgement: a surname is mistyped at this rate (lists and public typing) ...
SURNAME_TYPO_RATE: float = 0.02
# naming rule (counting): ... into one of this many strings one edit away (insert/delete/substitute/swap over
# ~25 letters and 4–6 positions), so one particular misspelling has the share × rate / variants.
SURNAME_TYPO_VARIANTS: float = 100.0
# naming rule: how likely a word is as a *middle* name. A small set of middle names (văn, thị, đức, hữu, …:
# names.MIDDLES) carries most men and women of the war generation; any other word is an order of magnitude rarer.
MIDDLE_COMMON: float = 0.1
MIDDLE_OTHER: float = 0.01
# naming rule: how likely a word is as the *given* name (the last one). Văn and Thị mark the middle slot (men's
# and women's middle names) and are almost never the given name; a common surname is rarely a given name either.
GIVEN_DEFAULT: float = 0.01
# naming rule: a given name is a Vietnamese syllable; a word that is none ("Nnôg", "Lyt") in the given slot would be
# a given name garbled the same way (rate / variants), as unlikely as a misspelt surname.
GIVEN_NOT_A_SYLLABLE: float = GIVEN_DEFAULT * SURNAME_TYPO_RATE / SURNAME_TYPO_VARIANTS
GIVEN_MIDDLE_MARKER: float = 0.001
GIVEN_COMMON_SURNAME: float = 0.001
MIDDLE_MARKERS: frozenset[str] = frozenset({"Văn", "Thị"})  # not Vân, Thi: those are given names
# naming rule: Văn is also a surname (Văn Tiến Dũng), but one of the rarest, while as a middle name it is carried by
# a large part of the men of the war generation: read as a surname it gets a tenth of an average other surname's
# share (the factor is judgement), so "Văn Đức Bùi" is Bùi Văn Đức rather than a Mr Văn called Bùi.
MIDDLE_MARKER_SURNAME_SHARE: float = OTHER_SURNAME_SHARE / 10
# naming rule: of the surnames above, those that are (almost) never given names; Hoàng, Vũ, Dương and Lý are also
# common given names and get GIVEN_DEFAULT. Written without diacritics a word is compared folded (Ngô/Ngọ alike).
RARELY_GIVEN: frozenset[str] = frozenset(
    {"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"}
)
# naming rule: most texts write the surname first (official lists, forms in Vietnamese); given-first comes from
# foreign archives and forms from abroad. Prior of reading a name as written vs each of the three other orders.
ORDER_PRIOR_AS_WRITTEN: float = 0.99
ORDER_PRIOR_OTHER: float = 0.01 / 3
# judgement: a name whose order is in doubt ("Định Thế Nguyễn": is Thế or Định the given name?) is searched under
# each reading at most this many bits less likely than the chosen one (a 1 : 1000 prior), the candidate's score
# under a reading lowered by those bits (its prior odds against the chosen reading: see names.other_readings) ...
READING_MAX_BITS: float = 10.0
# ... and under at most this many readings in all (speed: each is one more candidate look-up and scoring)
READING_MAX: int = 3
# naming rule: a two-word name has no middle name to anchor its reading ("Hùng Nguyễn" or "Chu Trường" with a
# moved space?), so it is read given-first only when its last word is one of the published common surnames above.

# ---------------------------------------------------------------------------------------------------------------
# Scoring (scoring.py): m-probabilities (how often a true match shows a level) and fixed weights in bits
# ---------------------------------------------------------------------------------------------------------------
# Source of this whole block unless said otherwise: set by judgement of how lists and the public make mistakes
# when the engine was first written, then kept or adjusted while the engine was developed against linkage-dev's
# figures (the history has no record of which were moved and why): read every one of them as "tuned on
# linkage-dev". u-probabilities are not constants: they come from the registry's own value counts (frequency.py).

# names
M_SUR_EQUAL = 0.93  # tuned on linkage-dev
M_SUR_FUZZY = 0.03  # tuned on linkage-dev
M_SUR_CONFLICT = 0.01  # tuned on linkage-dev
M_GIV_EXACT = 0.90  # tuned on linkage-dev
M_GIV_FOLDED = 0.93  # tuned on linkage-dev
M_GIV_ACCENT = 0.02  # tuned on linkage-dev
M_GIV_FUZZY = 0.05  # tuned on linkage-dev
M_GIV_CONFLICT = 0.005  # tuned on linkage-dev
# naming rule: Thị marks a woman's name, and given names differ between women and men (Lan, Hoa / Hùng, Dũng), so
# when both names give a middle name of the same class (with Thị, or without), a given name's u is its share among
# the registry's records of that class (frequency.py, kinds "given_class" and "middle_class"), not among all records.
GIVEN_BY_MIDDLE_CLASS = True
W_GIV_FUZZY2 = -1.5  # tuned on linkage-dev: given names two edits apart (long names only)
M_MID_EQUAL = 0.90  # tuned on linkage-dev
W_MID_PARTIAL = 0.5  # tuned on linkage-dev: one middle name a subset of the other ("Văn" / "Văn Minh")
M_MID_FUZZY = 0.05  # tuned on linkage-dev
M_MID_CONFLICT = 0.03  # tuned on linkage-dev (was 0.06 in the first snapshot)
M_FULLNAME = 0.7  # tuned on linkage-dev: whole name letter-for-letter equal (spaces and diacritics aside)
M_ALIAS = 0.9  # tuned on linkage-dev
ALIAS_MAX = 20.0  # tuned on linkage-dev: cap of an alias agreement's weight (bits)
# naming rule + sampling: how rare a whole name is can only be measured on the registry itself. A name the
# registry lists c times is carried, as far as its N records can tell, by about c in N martyrs; the product of its
# parts' shares (surname × middle × given, as if chosen independently) can say 1 in 10 million for a name of rare
# parts, but names are not chosen independently (a family reuses a name among cousins, a region favours its
# middle names) and the registry is a sample of the nation's martyrs (more than 1.2 million, Bộ LĐ-TB&XH): a
# name it lists once may be carried by tens of men it does not list. So the name (its parts' sum, or a spaceless
# route) never weighs more than log2(m / ((c + 0.5) / (N + 1))), c the count of the record's whole name and m
# the parts' m all agreeing (M_SUR_EQUAL × M_MID_EQUAL × M_GIV_FOLDED): the count's share replaces the parts' u
# product when it is larger, the m's are kept. A query agreeing on a name listed once, and on nothing else, is
# then at about even odds with a namesake outside the registry (−1 bit at any N), and is "possible", never
# "match", until one detail of his life agrees. A name whose count is what its parts predict is not changed.
# Alias agreements are not capped (another kind of evidence). Designed for seed 7's absent namesakes (issue 13,
# fifth round), not fitted: the cap has no free parameter.
NAME_COUNT_CAP = True
W_SUR_GROUP_PENALTY = 1.0  # tuned on linkage-dev: Hoàng/Huỳnh, Vũ/Võ weigh 1 bit less than one spelling
W_SUR_TYPO_CAP = 3.0  # tuned on linkage-dev: a surname typo absorbed by its group weighs at most 3 bits
# naming rule: one spelling of a surname is a typo of the other when it is this many times rarer
TYPO_RARITY_RATIO = 20
TYPO_MIN_COUNT = 20  # judgement: below this count both spellings are too rare to tell a typo from a name
# judgement: an edit distance is a typo only on words at least this long (1 edit) / this long (2 edits)
TYPO1_MIN_LEN_SURNAME = 3
TYPO2_MIN_LEN = 6
TYPO1_MIN_LEN = 2
SPACELESS_TYPO_MIN_LEN = 7  # judgement: whole names one edit apart need 7 letters or more
GIV_FUZZY_MARGIN = 2.0  # tuned on linkage-dev: a given-name typo weighs 2 bits less than an exact agreement
OTHER_COMMON_NAME_FACTOR = 0.5  # tuned on linkage-dev: two common given names a letter apart (Tạo / Tân)
NEIGHBOUR_FLOOR_SUR = 1e-3  # tuned on linkage-dev: floor of a surname's typo-neighbourhood share
NEIGHBOUR_FLOOR_MID = 5e-3  # tuned on linkage-dev: idem, middle names
CONFLICT_U_FLOOR = 0.05  # judgement: u of a name conflict is 1 − u(agree), never below 5%
ALIAS_FUZZY_PENALTY = 4.0  # tuned on linkage-dev: an alias one typo away weighs 4 bits less than equal
ALIAS_NOT_ALIAS_SHAPED_PENALTY = 3.0  # tuned on linkage-dev: ... and 3 more when the name is not alias-shaped
ALIAS_FUZZY_MIN_LEN = 6  # judgement

# dates
M_BIRTH_YEAR = 0.75  # tuned on linkage-dev
M_BIRTH_NEAR = (0.15, 0.05, 0.03)  # tuned on linkage-dev: years of birth 1, 2, 3 apart (approximate years)
M_BIRTH_CONFLICT = 0.02  # tuned on linkage-dev
U_BIRTH_CONFLICT = (
    0.85  # judgement: two unrelated people's birth years differ by more than 3 years this often
)
# A birth year a decade or more off that no single written slip explains (one digit wrong — a typo or a digit
# misread on a scanned list, 1935 / 1945 — or two neighbouring digits swapped, 1962 / 1926) is a hard conflict:
# the two lists then speak of men of two generations. naming rule (how lists are written): a decade ...
BIRTH_FAR_YEARS = 10
# judgement: ... such a gap between two listings of one man — another column's year (enlistment, death) written
# as his birth, another man's record — is taken as 1 in 500 true pairs (a tenth of M_BIRTH_CONFLICT) ...
M_BIRTH_FAR = 0.002
# ... and two unrelated men of the war generation (births ≈ 1915–1965) are a decade or more apart, with no one
# slip between their years, about half the time. judgement, checked (not tuned) on seed 7's registry: 0.51.
U_BIRTH_FAR = 0.5
M_DEATH_DAY = 0.80  # tuned on linkage-dev
M_DEATH_DAY_NEAR = 0.08  # tuned on linkage-dev
DEATH_DAY_NEAR = 3  # judgement: dates of death up to 3 days apart are "near" (reports dated a few days late)
DEATH_DAY_NEAR_WINDOW = 8  # the u of "near": a window of 2×3+1 ≈ 8 days out of 365
M_DEATH_MONTH = 0.85  # tuned on linkage-dev
M_DEATH_MONTH_NEAR = 0.06  # tuned on linkage-dev
M_DEATH_YEAR = 0.85  # tuned on linkage-dev
M_DEATH_YEAR_INEXACT = 0.03  # tuned on linkage-dev
M_DEATH_YEAR_NEAR = 0.05  # tuned on linkage-dev
M_DEATH_CONFLICT = 0.03  # tuned on linkage-dev
U_DEATH_CONFLICT = 0.9  # judgement
DAYS_PER_YEAR = 365
MONTHS_PER_YEAR = 12

# home place: m by level, and how many units of a level a province holds on average
M_HOME = 0.85  # tuned on linkage-dev
M_HOME_FINER_DIFF = 0.06  # tuned on linkage-dev
M_HOME_2025 = 0.5  # tuned on linkage-dev
M_HOME_PROVINCE = 0.9  # tuned on linkage-dev: province agrees, nothing finer to compare
M_HOME_CONFLICT = 0.04  # tuned on linkage-dev
U_HOME_CONFLICT = 0.9  # judgement
# public (gazetteer counts, rounded): 10,599 communes of 2024 in 63 provinces ≈ 170 → 150; 3,321 of 2025 in 34
# ≈ 100 → 40 (2025 communes are bigger, fewer per merged province than the count suggests: judgement);
# 705 districts of 2024 / 63 ≈ 11 → 10
WARDS_PER_PROVINCE = 150.0
WARDS2025_PER_PROVINCE = 40.0
DISTRICTS_PER_PROVINCE = 10.0
PROVINCE_2025_SPREAD = 1.8  # public: 63 provinces became 34, a 2025 province holds ≈ 1.85 of 2024's
U_PROVINCE_FLOOR = 1e-4  # judgement: no province is rarer than this share of a registry

# unit (finest level agreeing, none conflicting), bits. tuned on linkage-dev.
W_UNIT = {
    "kb": 10.5,
    "company": 12.5,
    "battalion": 9.5,
    "regiment": 7.5,
    "division": 4.0,
    "regiment_lower_diff": 2.5,
    "division_lower_diff": 0.0,
    "kb_diff": -3.0,
    "conflict": -4.5,
}

# A unit agreement is measured, not only assumed: its weight above is a cap, and it weighs no more than
# log2(M_UNIT / u), u the share of the registry's records carrying that unit at the agreeing level (counted at index
# time: frequency.py, kind "unit"), smoothed towards the share the fixed weight implies (M_UNIT / 2^W_UNIT) with
# the weight of UNIT_PRIOR_RECORDS records. A unit many records share (a regiment of a big campaign, the company of
# a battle that killed dozens) proves little; a unit few records carry keeps nearly its fixed weight, even in a
# small registry (where one record is a large share) thanks to the prior.
# judgement: how often a true match's unit agrees. Checked against linkage-dev (not tuned): of its 775 true query
# matches where both sides give a unit, 702 (0.91) agree and none conflict (the other 73 share no level); 0.85
# is kept below that for lists noisier than the file (a lower m only lowers the cap).
M_UNIT = 0.85
# judgement: the prior's weight, in records (a unit's share is trusted once the registry is much larger than this)
UNIT_PRIOR_RECORDS = 2000

# coarse and weak fields, bits. tuned on linkage-dev.
W_DEATH_PLACE = (2.5, 1.0, -2.0)  # equal, via burial, conflict
W_BURIAL = (2.0, -1.5)  # equal, conflict
W_ENLIST = (4.0, 2.0, 0.0, -2.0)  # same month, same year, a year apart, conflict
W_RANK_MAX = 3.0
W_RANK_CONFLICT = -2.0
W_POS_MAX = 2.5
W_POS_CONFLICT = -0.7
W_SEX_CONFLICT = -5.0
M_RANK_POS = 0.5  # judgement: a listed rank/position agrees between two listings of one man half the time
# Fellegi–Sunter treats fields as independent; comrades are not (one battle kills many men of one unit on one day,
# units were raised by region): part of the weight of unit + death date (or home region) agreeing together is
# taken back, and among comrades only this share of the other fields' positive weight is kept. tuned on linkage-dev.
W_COMRADES_DEATH = -6.0
W_COMRADES_REGION = -2.0
COMRADES_KEEP = 0.4

# ---------------------------------------------------------------------------------------------------------------
# Decisions (engine.py)
# ---------------------------------------------------------------------------------------------------------------
MATCH_PROBABILITY = 0.9  # judgement: "match" = at least 90% that this is the person, after namesakes
POSSIBLE_SCORE = -8.0  # tuned on linkage-dev: worth a look
DUP_MATCH_SCORE = 8.0  # tuned on linkage-dev (chosen among 6–14; checked on a generated set)
DUP_POSSIBLE_SCORE = 0.0  # judgement: more likely the same than not
DUP_AMBIGUITY_MARGIN = 4.0  # tuned on linkage-dev
MAX_CANDIDATES = 400  # speed: candidates scored per query (a 1M registry keeps p50 ≤ 20 ms)
MAX_POSTINGS = 5000  # speed: postings read per key
DEDUPE_BLOCK_MAX = 60  # speed: blocks up to this size are paired exhaustively ...
DEDUPE_WINDOW = 20  # ... bigger ones by a sliding window of this width over date order
GROUP_TOP = 6  # how many leading candidates are checked for being listings of one person
GROUP_WITHIN_BITS = 15.0  # 2^-15 of the best's probability mass cannot change a decision

# ---------------------------------------------------------------------------------------------------------------
# Blocking keys (keys.py): pre-ranking weights of a query's keys (candidates are scored best pre-ranked first).
# tuned on linkage-dev (only the order in which candidates are scored depends on them, under MAX_CANDIDATES).
# ---------------------------------------------------------------------------------------------------------------
KEY_WEIGHTS = {
    "n": 1.0,
    "y": 1.5,
    "y1": 1.0,
    "y2": 0.5,
    "d": 1.5,
    "d1": 0.7,
    "p": 1.0,
    "u": 1.5,
    "t": 0.6,
    "s": 3.0,
    "a": 3.0,
    "x": 2.0,
    "w": 1.5,
    "v": 2.0,
}
