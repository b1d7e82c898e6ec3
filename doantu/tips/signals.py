"""What the tips app tells the apps above it, without importing them (they connect in their ``ready()``)."""

from django.dispatch import Signal

# The reporter withdrew their consent on the public status page (``services.tip_withdraw_consent``), inside its
# transaction: an app that copied the person from the tip (the DNA pipeline's donor) withdraws there too, at once.
# Keyword argument: ``tip``.
consent_withdrawn = Signal()
