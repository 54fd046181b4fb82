"""The role matrix's world of objects (`env`: every URL's object at B1, B2 and X2), for the tests that walk every
page and form of the site besides the matrix itself."""

from chuxin.core.tests.test_role_matrix import env  # noqa: F401
