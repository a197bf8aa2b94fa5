"""The web and the workers on hosts of their own, sharing only PostgreSQL, Redis and an
S3-compatible bucket: the web (this process) and a Celery worker (a process of its own)
each have a MEDIA_ROOT of their own, and both reach an S3 server (moto's) on loopback,
configured as settings.py reads it from the environment. A PDF the worker renders is
downloaded through the web; results uploaded through the web are analysed by the worker;
neither host writes a file to its own disk."""

import os
import runpy
import signal

import boto3
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from moto.server import ThreadedMotoServer

from maintenance.models import PsychometricReview
from microcred import celery_app
from microcred.reports.models import ReportExport
from tests.deploy.processes import database_url
from tests.maintenance.psychometric_files import GOOD_RESULTS, maintenance_url, upload, upload_url
from tests.maintenance.test_psychometric_worker import wait_until_finished as wait_for_review
from tests.reports.conftest import pdf_text
from tests.reports.test_worker import (
    WorkerProcess,
    require,
    require_broker,
    wait_until_finished,
)

pytestmark = pytest.mark.deploy

BUCKET = "plan-files"
# What a host is given to reach the bucket; moto takes any credentials.
S3_ENV = {
    "AWS_STORAGE_BUCKET_NAME": BUCKET,
    "AWS_S3_REGION_NAME": "us-east-1",
    "AWS_ACCESS_KEY_ID": "deploy-tests",
    "AWS_SECRET_ACCESS_KEY": "deploy-tests-secret",
}


@pytest.fixture(scope="module")
def s3_env():
    """An S3-compatible server on a loopback port, with an empty bucket: the environment
    that reaches it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {**S3_ENV, "AWS_S3_ENDPOINT_URL": f"http://{host}:{port}"}
    bucket_of(env).create()
    yield env
    server.stop()


def bucket_of(env):
    return boto3.resource(
        "s3",
        endpoint_url=env["AWS_S3_ENDPOINT_URL"],
        region_name=env["AWS_S3_REGION_NAME"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    ).Bucket(BUCKET)


def stored_keys(env) -> set[str]:
    return {item.key for item in bucket_of(env).objects.all()}


def files_under(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.fixture(scope="module")
def worker_media(s3_env, django_db_setup, tmp_path_factory):
    """A Celery worker as on a host of its own, its files in the bucket: its MEDIA_ROOT."""
    require_broker()
    require(
        connection.vendor == "postgresql",
        "A worker in another process needs a PostgreSQL test database: set DATABASE_URL.",
    )
    folder = tmp_path_factory.mktemp("worker-host")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(
            connection.settings_dict, name=connection.settings_dict["NAME"]
        ),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": str(folder / "media"),
        **s3_env,
    }
    celery_app.control.purge()  # what a killed run left in this test process's queue
    worker = WorkerProcess("microcred", env, folder / "worker.log")
    yield folder / "media"
    worker.kill(signal.SIGTERM)


@pytest.fixture
def web_media(s3_env, settings, monkeypatch, tmp_path):
    """This process as the web host: its file storage as settings.py makes it from the same
    environment as the worker's, and a MEDIA_ROOT of its own."""
    bucket_of(s3_env).objects.all().delete()  # what an earlier test stored
    for name, value in s3_env.items():
        monkeypatch.setenv(name, value)
    configured = runpy.run_path(str(settings.BASE_DIR / "microcred" / "settings.py"))
    settings.STORAGES = {**settings.STORAGES, "default": configured["STORAGES"]["default"]}
    settings.MEDIA_ROOT = tmp_path / "web-media"
    return settings.MEDIA_ROOT


# The web's writes are committed, for the worker's process to see them.
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_pdf_the_worker_rendered_is_downloaded_through_the_web(
    client, plan, owner, s3_env, worker_media, web_media
):
    client.force_login(owner)
    response = client.post(
        reverse("reports:create", kwargs={"plan_id": plan.pk}), {"format": "pdf"}
    )
    assert response.status_code == 302
    export = wait_until_finished(ReportExport.objects.get())
    assert export.status == ReportExport.Status.DONE, export.error
    assert stored_keys(s3_env) == {export.file.name}

    download = client.get(
        reverse("reports:download", kwargs={"plan_id": plan.pk, "export_id": export.pk})
    )
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{export.filename}"'
    content = b"".join(download.streaming_content)
    assert pdf_text(content).startswith("MICROCREDENTIAL PLAN Data Privacy Fundamentals")
    assert (files_under(worker_media), files_under(web_media)) == ([], [])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_results_uploaded_through_the_web_are_analysed_by_the_worker(
    client, plan, owner, s3_env, worker_media, web_media
):
    client.force_login(owner)
    response = client.post(upload_url(plan), {"results": upload(), "max_mark": "1"})
    assert response.status_code == 302
    review = wait_for_review(PsychometricReview.objects.get())
    assert review.status == PsychometricReview.Status.DONE, review.error
    assert stored_keys(s3_env) == {review.file.name}
    assert review.results["test"]["attempts"] == 10
    assert review.results["test"]["alpha"] == pytest.approx(0.674074074074074, abs=1e-9)
    assert "Latest analysis: spring-2027.csv" in client.get(maintenance_url(plan)).content.decode()

    download = client.get(
        reverse(
            "maintenance:psychometrics_download",
            kwargs={"plan_id": plan.pk, "review_id": review.pk},
        )
    )
    assert b"".join(download.streaming_content) == GOOD_RESULTS
    assert (files_under(worker_media), files_under(web_media)) == ([], [])


def test_a_second_file_of_the_same_name_is_kept_beside_the_first(s3_env, web_media):
    first = default_storage.save("psychometrics/2027/05/spring-2027.csv", ContentFile(b"a"))
    second = default_storage.save("psychometrics/2027/05/spring-2027.csv", ContentFile(b"b"))
    assert first == "psychometrics/2027/05/spring-2027.csv"
    assert second != first and second.startswith("psychometrics/2027/05/spring-2027_")
    assert stored_keys(s3_env) == {first, second}
    with default_storage.open(first) as handle:
        assert handle.read() == b"a"
