"""The Content-Security-Policy of every page (settings.CONTENT_SECURITY_POLICY): scripts,
styles, fonts and images from the site itself only, nothing framed, forms posted here."""

from csp.constants import NONE, SELF

SAME_SITE_ONLY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
