"""Start-up checks of what the intake needs from the machine."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def ffmpeg_available(app_configs, **kwargs):
    if settings.FFMPEG_PATH:
        return []
    return [
        checks.Warning(
            "ffmpeg was not found: videos and recordings sent with tips are stored with their metadata, which "
            "may include where they were recorded (GPS).",
            hint="Install ffmpeg (Debian: apt-get install ffmpeg) or set FFMPEG_PATH.",
            id="doantu.tips.W001",
        )
    ]
