"""What the default template asks of a plan, counted from the data rather than written
down, so that a new template release changes the expectations with it."""


def applying_before_any_answer(questions):
    """The questions that apply while nothing is answered: a condition holds only once
    its question has an answer, so those with one, and the sub-questions under them,
    are hidden."""
    return questions.filter(show_if_question=None, parent__show_if_question=None)


def required_before_any_answer(version) -> int:
    return applying_before_any_answer(version.questions.filter(required=True)).count()


def phase_total_before_any_answer(version, slug) -> int:
    return applying_before_any_answer(version.questions.filter(phase__slug=slug)).count()
