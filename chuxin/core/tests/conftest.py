"""The role matrix's world of objects (`env`: every URL's object at B1, B2 and X2), for the tests that walk every
page and form of the site besides the matrix itself."""

import pytest

from chuxin.testing import Env, build_matrix_env


@pytest.fixture
def env(world) -> Env:
    return build_matrix_env(world)
