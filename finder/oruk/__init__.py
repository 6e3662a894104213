"""Open Referral UK (HSDS-UK 3.0): the catalogue as ORUK JSON, and ORUK JSON into the catalogue.

`ids` makes stable UUIDs from internal keys, `vocabulary` publishes the app's taxonomies
(ESOL level, crèche, languages, …), `mapping` turns courses into services, `exchange` exports
and imports whole files, `selection` answers the API's filtered, paginated lists, and
`openapi` describes the API.
"""

VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://openreferraluk.org/"
