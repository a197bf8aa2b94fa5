"""settings.LOGGING: everything to the console, at the level the environment asks for, with
the chattiest libraries kept to their warnings."""


def logging_config(*, level: str) -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"console": {"class": "logging.StreamHandler"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # WeasyPrint reports each layout step at INFO; keep its warnings (refused URLs).
            "weasyprint": {"level": "WARNING"},
            "weasyprint.progress": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
