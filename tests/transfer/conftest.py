import pytest

from microcred.demo.services import load_demo_data


@pytest.fixture
def demo_plan(template_version):
    """The demo plan that `make run` loads: most questions answered, rows in every table."""
    return load_demo_data()
