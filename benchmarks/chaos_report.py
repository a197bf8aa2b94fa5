"""The chaos benchmark's figures (chaos.py): what the clients were told, compared with
what the database holds and the e-mails that were written out."""

import email
import time
from collections import Counter
from pathlib import Path

GOAL = "goal 0"


def lost_autosaves(writers) -> tuple[int, int, list[str]]:
    """(acknowledged saves, those not stored, examples). An acknowledged text is lost if
    the answer's history never held it, or if the answer ends with anything but the
    writer's last acknowledged text or a text they sent after it (whose answer was lost
    on the way back)."""
    from microcred.plans.models import Answer

    acknowledged, lost, examples = 0, 0, []
    for writer in writers:
        plan_id = int(writer.path.split("/")[2])
        answers = Answer.objects.filter(plan_id=plan_id, question__key=writer.key)
        history = set(
            Answer.history.filter(plan_id=plan_id, question__key=writer.key).values_list(
                "value", flat=True
            )
        )
        missing = [save.value for save in writer.acknowledged if save.value not in history]
        stored = answers.values_list("value", flat=True).first()
        if writer.acknowledged:
            last = writer.acknowledged[-1].value
            later = writer.sent[writer.sent.index(last) + 1 :]
            if stored != last and stored not in later and last not in missing:
                missing.append(last)
        acknowledged += len(writer.acknowledged)
        lost += len(missing)
        examples += [f"writer {writer.index}: {value!r} (stored {stored!r})" for value in missing]
    return acknowledged, lost, examples[:5]


def export_figures() -> dict:
    from microcred.reports.models import ReportExport

    statuses = Counter(ReportExport.objects.values_list("status", flat=True))
    errors = Counter(ReportExport.objects.filter(status="failed").values_list("error", flat=True))
    attempts = Counter(ReportExport.objects.values_list("attempts", flat=True))
    return {"statuses": statuses, "errors": errors, "attempts": attempts}


def mailed_addresses(mail_folder: Path) -> Counter:
    """Each recipient of the messages the file backend wrote (one file per connection,
    its messages separated by a line of dashes)."""
    recipients: Counter = Counter()
    for path in mail_folder.glob("*.log"):
        for chunk in path.read_text(errors="replace").split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                recipients.update(a.strip() for a in (message["To"] or "").split(",") if a)
    return recipients


def mail_figures(mail_folder: Path) -> dict:
    from microcred.plans.models import Invitation, PendingNotification

    notifications = PendingNotification.objects.all()
    unsent = notifications.filter(sent_at=None)
    mailed = mailed_addresses(mail_folder)
    invited = list(Invitation.objects.values_list("email", flat=True))
    sent_invitations = set(
        Invitation.objects.filter(
            pk__in=notifications.filter(event="invitation_sent")
            .exclude(sent_at=None)
            .values("object_id")
        ).values_list("email", flat=True)
    )
    return {
        "recorded": notifications.count(),
        "unsent": unsent.count(),
        "unsent_errors": Counter(unsent.values_list("last_error", flat=True)),
        "invited": len(invited),
        "mailed": sum(1 for address in invited if mailed[address]),
        "marked_sent_not_written": len([a for a in sent_invitations if not mailed[a]]),
        "duplicates": sum(count - 1 for count in mailed.values() if count > 1),
    }


def status_lines(tally) -> list[str]:
    lines = []
    for what in sorted({what for what, _ in tally.statuses}):
        counts = {status: n for (w, status), n in tally.statuses.items() if w == what}
        shown = ", ".join(
            f"{'no answer' if status == 0 else status}: {n}" for status, n in sorted(counts.items())
        )
        lines.append(f"  {what:<12} {sum(counts.values()):>6} requests; {shown}")
    return lines


def print_report(
    *, options, run, settled, allowance, writers, requesters, faults, mail_folder, services
):
    tally = run["tally"]
    acknowledged, lost, examples = lost_autosaves(writers)
    exports = export_figures()
    mail = mail_figures(mail_folder)
    stuck = exports["statuses"]["queued"] + exports["statuses"]["running"]
    server_errors = Counter()
    for (_what, status), n in tally.statuses.items():
        if status >= 500 or status == 0:
            server_errors[status] += n
    minutes = (run["faults_ended"] - run["started"]) / 60
    print()
    print(
        f"Chaos run, {time.strftime('%Y-%m-%d %H:%M')}: {minutes:.1f} minutes of faults, "
        f"{len(writers)} autosaving writers, {len(requesters) - 1} exporters, 1 inviter"
    )
    counts = faults.counts()
    print(
        f"faults: worker killed {counts['worker killed']}x, Redis stopped "
        f"{counts['Redis stopped']}x, PostgreSQL refusing {counts['PostgreSQL refusing']}x; "
        f"beat restarted {faults.beat_restarts}x"
    )
    print(f"autosaves acknowledged and not stored: {lost} of {acknowledged} acknowledged ({GOAL})")
    for example in examples:
        print(f"  {example}")
    gave_up = sum(len(writer.gave_up) for writer in writers)
    print(
        f"  texts never acknowledged (client stopped retrying): {gave_up}; "
        f"refusals: {dict(tally.refusals) or 'none'}"
    )
    print(
        f"exports not done {allowance} s after the faults stopped: {stuck} ({GOAL}); "
        f"of {sum(exports['statuses'].values())}: {dict(exports['statuses'])}"
    )
    for error, n in exports["errors"].most_common(3):
        print(f"  failed {n}x: {error[:160]}")
    print(f"  renders started per export: {dict(sorted(exports['attempts'].items()))}")
    print(
        f"e-mails recorded and never sent: {mail['unsent']} of {mail['recorded']} ({GOAL}); "
        f"marked sent but not written: {mail['marked_sent_not_written']}; "
        f"invitations {mail['invited']}, mailed {mail['mailed']}, duplicates {mail['duplicates']}"
    )
    for error, n in mail["unsent_errors"].most_common(3):
        print(f"  unsent {n}x: {error[:160] or '(no error recorded)'}")
    settled_text = f"{settled:.0f} s" if settled is not None else f"not within {allowance} s"
    print(f"queued work all finished after the faults stopped: {settled_text}")
    print(
        f"server errors seen by clients: 500: {server_errors[500]}, "
        f"503: {server_errors[503]}, other 5xx: "
        f"{sum(n for s, n in server_errors.items() if s not in (0, 500, 503))}, "
        f"no answer: {server_errors[0]}"
    )
    print("answers by request:")
    for line in status_lines(tally):
        print(line)
    for (what, status), sample in sorted(tally.samples.items()):
        print(f"  first {what} {status or 'no answer'}: {' '.join(sample.split())[:200]}")
    for service in services:
        if not service.running:
            print(f"{service.name} was not running at the end:\n{service.log_tail()}")
