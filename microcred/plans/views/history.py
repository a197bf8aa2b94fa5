"""An answer's full history."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from microcred.plans.selectors import (
    answer_history,
    plans_with_version,
)
from microcred.records.history import row_history

from ..permissions import plan_access_or_404


@login_required
def answer_history_page(request, plan_id, question_key):
    access = plan_access_or_404(request.user, plan_id, queryset=plans_with_version())
    plan = access.plan
    question = get_object_or_404(
        plan.template_version.questions.select_related("phase"), key=question_key
    )
    return render(
        request,
        "plans/answer_history.html",
        {
            "plan": plan,
            "question": question,
            "entries": answer_history(plan=plan, question=question),
            "row_changes": row_history(plan=plan, question=question)
            if question.kind == question.Kind.RECORD_SET
            else None,
        },
    )
