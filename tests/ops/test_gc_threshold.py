"""The garbage collector's young-generation threshold comes from settings (``GC_YOUNG_THRESHOLD``), applied when
Django starts in every process."""

import gc

import pytest
from django.conf import settings

from doantu.ops.apps import apply_gc_threshold


@pytest.fixture
def thresholds():
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def test_django_start_applied_the_setting():
    assert settings.GC_YOUNG_THRESHOLD > 2_000  # raised from Python's default, as measured in the bench
    assert gc.get_threshold()[0] == settings.GC_YOUNG_THRESHOLD


def test_only_the_young_generation_changes(thresholds):
    gc.set_threshold(700, 11, 12)
    apply_gc_threshold(25_000)
    assert gc.get_threshold() == (25_000, 11, 12)


def test_zero_keeps_what_python_has(thresholds):
    gc.set_threshold(700, 11, 12)
    apply_gc_threshold(0)
    assert gc.get_threshold() == (700, 11, 12)
