"""Signposting and open data: short links and share text, signposting sheets, embeds, the Atom feed, calendars and the Open Referral UK API."""
