"""A policy refusal in words: the rule first, then what the model alone would decide and its estimate."""

from __future__ import annotations

from service.wording import decision_sentence, summary

POLICY = {
    "refused": True,
    "rules": [{"rule_id": "annuity_over_half_income", "text": "the loan's annuity is more than half of the declared income"}],
}


def test_a_policy_refusal_is_said_first_with_the_models_estimate_after():
    assert decision_sentence(0.004, 0.078, POLICY) == (
        "Refused by policy: the loan's annuity is more than half of the declared income. "
        "The model's estimated risk of default is 0.40 % (the bank's limit is 7.8 %)."
    )
    text = summary([], {}, 0.004, 0.078, POLICY)
    assert text.startswith("The application is refused by policy: the loan's annuity is more than half of the declared income. ")
    assert "The model alone would accept it: the estimated risk of default (0.40 %) is below the bank's limit (7.8 %)" in text


def test_without_a_rule_firing_the_words_are_the_models():
    none = {"refused": False, "rules": []}
    assert decision_sentence(0.124, 0.078, none) == decision_sentence(0.124, 0.078)
    assert summary([], {}, 0.124, 0.078, none).startswith("The application is refused: the estimated risk of default (12.4 %)")
