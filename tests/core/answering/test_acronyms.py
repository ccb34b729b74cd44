"""Names the articles write the other way: acronyms learned from the articles themselves, so a question using one
is not refused for "not mentioning" what the articles spell out (and the other way round)."""
from __future__ import annotations

from rag.answering.checks import acronyms, missing_names
from rag.retrieval.analysis import shape_of

from ..helpers import ROOT


def test_acronyms_are_the_initials_of_capitalised_runs_with_links_skipped():
    found = acronyms("Officials of the UN Office on Drugs and Crime met in New South Wales.")
    assert {"UNODC", "NSW"} <= found
    assert "SW" in found and "OTUN" not in found  # sub-runs count; a link word never starts or ends one


def test_acronyms_that_keep_their_linking_words():
    found = acronyms("The Students for Fair Admissions case reached the Department of Defense.")
    assert {"SFFA", "SFA", "DOD", "DD"} <= found
    shape = shape_of("What was the vote in the SFFA cases?")
    assert missing_names(shape, ["A ruling on Students for Fair Admissions split the court."]) == []


def test_a_question_acronym_spelled_out_in_the_articles_is_mentioned():
    shape = shape_of("What did police in NSW say about the fires?")
    assert missing_names(shape, ["Police in New South Wales said the fires spread."]) == []
    assert missing_names(shape, ["Police in Victoria said the fires spread."]) == ["NSW"]


def test_a_question_name_the_articles_only_abbreviate_is_mentioned():
    shape = shape_of("What did the United Nations Office on Drugs and Crime report?")
    assert missing_names(shape, ["The UNODC report said opium cultivation fell."]) == []
    assert missing_names(shape, ["The UNDP report said poverty fell."]) == ["United", "Nations", "Office", "Drugs",
                                                                           "Crime"]


def test_an_unknown_name_is_still_missing():
    assert missing_names(shape_of("When did Guterres visit Gotham?"), ["Guterres visited Hanoi in 2025."]) == ["Gotham"]


def test_an_acronym_is_a_word_of_its_own_not_letters_inside_another():
    """"CIA" is not mentioned by "officials", nor "IRA" by "Iranian"; "U.S." and "US" are one name."""
    assert missing_names(shape_of("What did the CIA say?"), ["Officials said so on Monday."]) == ["CIA"]
    assert missing_names(shape_of("What did the IRA say?"), ["The Iranian Republic said so."]) == ["IRA"]
    assert missing_names(shape_of("Who did the US beat?"), ["The U.S. team beat France."]) == []
    assert missing_names(shape_of("What did the NGO ask for?"), ["Three NGOs asked for aid."]) == []
    assert missing_names(shape_of("Which version did AMG tune?"), ["The Mercedes-AMG GLS63 was tuned."]) == []


def test_an_acronym_written_partly_out_or_as_one_word_is_mentioned(composer):
    """News shortens the names it abbreviates: "Supreme Court" for SCOTUS, "American" for US. The initials of
    several words must follow the acronym's letters from its first, and the embedder must put the words near it:
    without it, no other form counts."""
    shape = shape_of("Which retiring justice did Alito succeed on SCOTUS?")
    source = ["Bush elevated Alito to the Supreme Court in 2006 to succeed the retiring Justice O'Connor."]
    assert missing_names(shape, source) == ["SCOTUS"]
    assert missing_names(shape, source, composer._same_kind) == []
    assert missing_names(shape, ["The Senate Committee heard Alito in 2006."], composer._same_kind) == ["SCOTUS"]
    shape = shape_of("How many new laws took effect in the US?")
    assert missing_names(shape, ["Some 40,000 laws took effect, American officials said."], composer._same_kind) == []
    assert missing_names(shape, ["Some 40,000 laws took effect, Canadian officials said."],
                         composer._same_kind) == ["US"]


def test_partial_acronym_calibration_on_a_general_list(composer):
    """The embedder bar (the near-synonym bar of counted nouns, not fitted again) on a general list of acronyms with
    their names written partly out or as one word, and other names whose initials fit (or other single words of
    the same kind: US / Canadian): about half of the forms are recognised, few other names pass."""
    rows = [line.split("\t") for line in (ROOT / "tests" / "data" / "acronym_pairs.tsv").read_text().splitlines()
            if not line.startswith("#")]

    def mentioned(acronym: str, words: str) -> bool:
        shape = shape_of(f"What did the {acronym} say about the plan?")
        return missing_names(shape, [f"Officials of the {words} said on Monday they back the plan."],
                             composer._same_kind) == []

    same = [mentioned(a, w) for a, w, kind in rows if kind == "1"]
    other = [mentioned(a, w) for a, w, kind in rows if kind == "0"]
    assert (len(same), len(other)) == (53, 53)
    assert sum(same) >= 25 and sum(other) <= 3, (sum(same), sum(other))


def test_a_name_in_another_form_is_mentioned(composer):
    """"Peruvian" asked, "Peru" written: a form no demonym suffix gives ("peruv…"). A capitalised word of the sources
    that begins with the same four letters counts when the embedder puts it very near the name; the letters alone
    (without the embedder) never do, and a different name with the same start stays missing."""
    shape = shape_of("What did the Peruvian president say about the mine?")
    source = ["Peru's president said the mine would reopen."]
    assert missing_names(shape, source) == ["Peruvian"]
    assert missing_names(shape, source, composer._same_kind, composer._same_name) == []
    shape = shape_of("How cold did Antarctica's winter get?")
    assert missing_names(shape, ["The Antarctic winter reached minus 80 degrees."], composer._same_kind,
                         composer._same_name) == []
    shape = shape_of("What did Austria's chancellor say?")
    assert missing_names(shape, ["Australia's prime minister said the deal was done."], composer._same_kind,
                         composer._same_name) == ["Austria's"]
    shape = shape_of("What did Johnson say about the budget?")
    assert missing_names(shape, ["Mr Johnston said the budget was fair."], composer._same_kind,
                         composer._same_name) == ["Johnson"]


def test_name_form_calibration_on_a_general_list(composer):
    """The bar of :data:`rag.answering.answer.NAME_FORM_SIMILARITY` on a general list of names in two forms
    (demonyms, adjectives, people of a city) and different names that begin with the same four letters. The forms
    check adds to what the spelling rules (demonym suffixes, a name inside a longer word) already recognise: it
    recognises forms they miss, and lets no different name through that they did not."""
    rows = [line.split("\t") for line in (ROOT / "tests" / "data" / "name_form_pairs.tsv").read_text().splitlines()
            if not line.startswith("#")]

    def mentioned(asked: str, written: str, same_name) -> bool:
        shape = shape_of(f"What did the {asked} officials say about the plan?")
        return missing_names(shape, [f"Officials in {written} said on Monday they back the plan."],
                             composer._same_kind, same_name) == []

    spelling = {(a, w): mentioned(a, w, lambda x, y: False) for a, w, _ in rows}
    forms = {(a, w): mentioned(a, w, composer._same_name) for a, w, _ in rows}
    same = [(a, w) for a, w, kind in rows if kind == "1"]
    other = [(a, w) for a, w, kind in rows if kind == "0"]
    assert (len(same), len(other)) == (40, 43)
    gained = [pair for pair in same if forms[pair] and not spelling[pair]]
    let_through = [pair for pair in other if forms[pair] and not spelling[pair]]
    assert ("Peruvian", "Peru") in gained and len(gained) >= 6, gained
    assert sum(forms[pair] for pair in same) >= 33 and let_through == [], let_through


def test_a_name_starts_a_word_it_is_not_letters_inside_another():
    """A name is written at the start of a word, in any spacing, never inside a word: an article about a woman does
    not mention Oman. A clipped or inflected form still does ("Penn State" / "Pennsylvania State University")."""
    assert missing_names(shape_of("What did Oman say?"), ["A woman said so."]) == ["Oman"]
    assert missing_names(shape_of("What did Mali say?"), ["Somalia said so."]) == ["Mali"]
    assert missing_names(shape_of("Did Rome agree?"), ["Jerome said so."]) == ["Rome"]
    assert missing_names(shape_of("Which Penn State scientist disagreed?"),
                         ["A scientist at Pennsylvania State University disagreed."]) == []
    assert missing_names(shape_of("When did Guterres visit Hà Nội?"), ["Guterres visited Hanoi."]) == []
    assert missing_names(shape_of("What did Viet Nam say?"), ["Vietnam said so."]) == []
    assert missing_names(shape_of("Who met Lương Cường?"), ["Guterres met Luong Cuong."]) == []
    assert missing_names(shape_of("What did Iran say?"), ["Iranian officials said so."]) == []
    assert missing_names(shape_of("What did the Indonesian minister say?"), ["Indonesia said so."]) == []
    assert missing_names(shape_of("What did the Argentines say?"), ["Argentina said so."]) == []
    assert missing_names(shape_of("What did Hanoi-based firms say?"), ["Ha Noi-based firms said so."]) == []


def test_name_written_reads_word_starts_in_any_spacing():
    from rag.text import name_written

    assert name_written("hanoi", "he flew to ha noi on monday") and name_written("ha noi", "in hanoi")
    assert name_written("vietnam", "vietnamese officials") and name_written("penn", "pennsylvania state")
    assert not name_written("oman", "a woman said") and not name_written("noi", "hanoi")
    assert not name_written("...", "anything")
