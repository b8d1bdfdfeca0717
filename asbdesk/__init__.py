"""asbdesk: a council's anti-social behaviour action plan, kept on a laptop."""

__version__ = "0.1.0"
APP_NAME = "asbdesk"
