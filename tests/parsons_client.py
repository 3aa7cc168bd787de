"""Drive Tredegar's OSDI API with Parsons 6.1.0, as an organiser's sync script would.

Usage: python parsons_client.py BASE_URL TOKEN PETITION_ID SIGNER_ID EVENT_ID.
Exits non-zero with a message on the first thing that does not behave as
Action Network does. The petition has one signature, by the signer, who
also came to the event.
"""
import sys

import parsons.action_network.action_network as an_module
from parsons import ActionNetwork

base, token, petition_id, signer_id, event_id = sys.argv[1:6]
an_module.API_URL = base
an = ActionNetwork(api_token=token)
assert an.api_url == base, an.api_url


def check(cond, what):
    if not cond:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {what}")


def person_id(p):
    return [i.split(":")[1] for i in p["identifiers"] if i.startswith("action_network:")][0]


created = an.upsert_person(email_address="ceri@example.org", given_name="Ceri", family_name="Rees", mobile_number="07700 900777")
check(created["created_date"] == created["modified_date"], "upsert_person creates")
pid = person_id(created)

by_email = an.upsert_person(email_address="CERI@example.org", given_name="Ceridwen")
check(person_id(by_email) == pid and by_email["given_name"] == "Ceridwen", "upsert_person updates by email")
check(by_email["created_date"] != by_email["modified_date"], "an update is told from a create")
check(by_email["family_name"] == "Rees", "upsert keeps fields not given")

# Parsons 6.1.0 refuses to upsert without email_address, so a phone-only upsert
# passes an empty email entry, which the API ignores.
by_phone = an.upsert_person(email_address=[{}], mobile_number="07700900777", family_name="Rees-Jones")
check(person_id(by_phone) == pid and by_phone["family_name"] == "Rees-Jones", "upsert_person updates by phone")

for i in range(30):
    an.upsert_person(email_address=f"member{i}@example.org", given_name=f"Member{i:02}")
people = an.get_people()
check(people.num_rows == 32, f"get_people pages through all 32, the signer too (got {people.num_rows})")
one = an.get_people(filter="email_address eq 'member7@example.org'")
check(one.num_rows == 1 and one[0]["given_name"] == "Member07", "get_people with a filter")

got = an.get_person(pid)
check(got["given_name"] == "Ceridwen" and got["custom_fields"] == {}, "get_person")

an.update_person(pid, given_name="Ceri", languages_spoken=["cy", "en"])
got = an.get_person(pid)
check(got["given_name"] == "Ceri" and got["languages_spoken"] == ["cy", "en"], "update_person")

tag = an.add_tag("Tenants committee")
tag_id = person_id(tag)
tags = an.get_tags()
check(any(t["name"] == "Tenants committee" for t in tags), "add_tag and get_tags")

tagging = an.create_tagging(tag_id, {"_links": {"osdi:person": {"href": f"https://actionnetwork.org/api/v2/people/{pid}"}}})
tagging_id = person_id(tagging)
taggings = an.get_taggings(tag_id)
check(taggings.num_rows == 1 and taggings[0]["_links"]["osdi:person"]["href"].endswith(pid), "create_tagging and get_taggings")

an.delete_tagging(tag_id, tagging_id)
check(an.get_taggings(tag_id).num_rows == 0, "delete_tagging")

petitions = an.get_petitions()
check(petitions.num_rows == 1 and petitions[0]["total_signatures"] == 1, "get_petitions")
petition = an.get_petition(petition_id)
check(petition["title"] == "Save Brookfield Estate" and petition["browser_url"].endswith(f"/p/{petition_id}"), "get_petition")
signatures = an.get_petition_signatures(petition_id)
check(signatures.num_rows == 1 and signatures[0]["_links"]["osdi:person"]["href"].endswith(signer_id), "get_petition_signatures")
signature_id = person_id(signatures[0])
one = an.get_petition_signature(petition_id, signature_id)
check(one["comments"] == "Fix the damp", "get_petition_signature")
theirs = an.get_person_signatures(signer_id)
check(theirs.num_rows == 1, "get_person_signatures")

events = an.get_events()
check(events.num_rows == 1 and events[0]["total_accepted"] == 1, "get_events")
event = an.get_event(event_id)
check(event["title"] == "Residents' meeting" and event["browser_url"].endswith(f"/e/{event_id}"), "get_event")
attendances = an.get_event_attendances(event_id)
check(attendances.num_rows == 1 and attendances[0]["_links"]["osdi:person"]["href"].endswith(signer_id), "get_event_attendances")
attendance = an.get_event_attendance(event_id, person_id(attendances[0]))
check(attendance["attended"] is True and attendance["status"] == "accepted", "get_event_attendance")
check(an.get_person_attendances(signer_id).num_rows == 1, "get_person_attendances")
print("all Parsons calls behaved")
