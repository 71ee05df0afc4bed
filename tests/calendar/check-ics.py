#!/usr/bin/python3
# Copyright 2026 The eboard authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Reads the calendars eboard writes with an independent parser.

Usage: check-ics.py WRITER

Runs WRITER (tests/calendar/write-ics.c) into a temporary folder, parses
every .ics file with python3-icalendar, and checks them against exact
expectations written here and against the occurrences that
eb_occurrences_expand() reported in expected.json. The recurrence is
expanded here with dateutil and the system zoneinfo, not with libical.
Prints TAP.
"""

import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import traceback
from zoneinfo import ZoneInfo

try:
    import icalendar
    from dateutil import rrule as du
except ImportError as e:  # pragma: no cover
    print("1..0 # python3-icalendar is required: %s" % e)
    sys.exit(1)

UTC = dt.timezone.utc

# --- what the writer was asked to produce -------------------------------

ORGANIZER = ("mailto:coordination@eboard.example.org", "Network Coordination Office")

PEOPLE = {
    "ana.ruiz@lakeshore.example.org": "Ana Ruiz",
    "ben.okafor@northgate.example.org": "Ben Okafor",
    "chen.wei@lakeshore.example.org": "Chen Wei",
    "dana.schulz@northgate.example.org": "Dana Schulz",
    "eli.novak@northgate.example.org": "Eli Novak",
    "jonas.weber@kbm.example.org": "Jonas Weber",
    "priya.iyer@wci.example.org": "Priya Iyer",
    "sam.taylor@hoc.example.org": "Sam Taylor",
}

SESSIONS = {
    101: {
        "summary": "GI tumor board",
        "description": "Focus: Pancreatic and hepatobiliary cancers\n"
        "Host site: Lakeshore Medical Center\n"
        "Join: https://eboard.example.org/sessions/101/join",
        "location": "Lakeshore Medical Center",
        "tzid": "America/Chicago",
        "dtstart": dt.datetime(2026, 2, 24, 9, 0),
        "duration": dt.timedelta(minutes=90),
        "status": "CONFIRMED",
        "rrule": {"FREQ": ["WEEKLY"], "UNTIL": [dt.datetime(2026, 12, 15, 15, 0, tzinfo=UTC)],
                  "BYDAY": ["TU"]},
        "exdate": [dt.datetime(2026, 3, 17, 9, 0)],
        "overrides": {dt.datetime(2026, 3, 3, 9, 0): dt.datetime(2026, 3, 12, 13, 0)},
        "attendees": {
            "ana.ruiz@lakeshore.example.org": ("CHAIR", "ACCEPTED"),
            "ben.okafor@northgate.example.org": ("REQ-PARTICIPANT", "NEEDS-ACTION"),
            "chen.wei@lakeshore.example.org": ("REQ-PARTICIPANT", "TENTATIVE"),
            "dana.schulz@northgate.example.org": ("OPT-PARTICIPANT", "ACCEPTED"),
            "eli.novak@northgate.example.org": ("NON-PARTICIPANT", "DECLINED"),
        },
        # 43 Tuesdays from 24 February to 15 December, one cancelled.
        "count": 42,
        "instants": {
            "2026-02-24T15:00:00Z": False,  # 09:00 CST
            "2026-03-10T14:00:00Z": False,  # 09:00 CDT after 8 March
            "2026-03-12T18:00:00Z": True,   # the moved one, 13:00 CDT
            "2026-10-27T14:00:00Z": False,
            "2026-11-03T15:00:00Z": False,  # 09:00 CST after 1 November
            "2026-12-15T15:00:00Z": False,  # UNTIL is inclusive
        },
        "absent": ["2026-03-03T15:00:00Z", "2026-03-17T14:00:00Z", "2026-12-22T15:00:00Z"],
    },
    102: {
        "summary": "Thoracic tumor board",
        "description": "Focus: Lung and mesothelioma\n"
        "Host site: Klinikum Berlin-Mitte\n"
        "Join: https://eboard.example.org/sessions/102/join",
        "location": "Klinikum Berlin-Mitte",
        "tzid": "Europe/Berlin",
        "dtstart": dt.datetime(2026, 1, 13, 17, 30),
        "duration": dt.timedelta(minutes=60),
        "status": "CONFIRMED",
        "rrule": {"FREQ": ["MONTHLY"], "COUNT": [10], "BYDAY": ["2TU"]},
        "exdate": [],
        "overrides": {},
        "attendees": {
            "jonas.weber@kbm.example.org": ("CHAIR", "ACCEPTED"),
            "ana.ruiz@lakeshore.example.org": ("REQ-PARTICIPANT", "TENTATIVE"),
            "eli.novak@northgate.example.org": ("NON-PARTICIPANT", "NEEDS-ACTION"),
        },
        "count": 10,
        "instants": {
            "2026-01-13T16:30:00Z": False,
            "2026-03-10T16:30:00Z": False,  # CET
            "2026-04-14T15:30:00Z": False,  # CEST after 29 March
            "2026-10-13T15:30:00Z": False,
        },
        "absent": ["2026-11-10T16:30:00Z"],
    },
    103: {
        "summary": "Sarcoma case review",
        "description": "Focus: Retroperitoneal sarcoma\n"
        "Host site: Western Cancer Institute\n"
        "Join: https://eboard.example.org/sessions/103/join",
        "location": "Western Cancer Institute",
        "tzid": "Asia/Kolkata",
        "dtstart": dt.datetime(2026, 4, 7, 18, 0),
        "duration": dt.timedelta(minutes=45),
        "status": "TENTATIVE",
        "rrule": None,
        "exdate": [],
        "overrides": {},
        "attendees": {
            "priya.iyer@wci.example.org": ("CHAIR", "NEEDS-ACTION"),
            "ana.ruiz@lakeshore.example.org": ("REQ-PARTICIPANT", "ACCEPTED"),
        },
        "count": 1,
        "instants": {"2026-04-07T12:30:00Z": False},
        "absent": [],
    },
    104: {
        "summary": "Melanoma board",
        "description": "Focus: Cutaneous and mucosal melanoma\n"
        "Host site: Harbour Oncology Centre\n"
        "Join: https://eboard.example.org/sessions/104/join",
        "location": "Harbour Oncology Centre",
        "tzid": "Australia/Sydney",
        "dtstart": dt.datetime(2026, 1, 28, 7, 30),
        "duration": dt.timedelta(minutes=60),
        "status": "CONFIRMED",
        "rrule": {"FREQ": ["MONTHLY"], "INTERVAL": [2], "BYDAY": ["-1WE"]},
        "exdate": [],
        "overrides": {},
        "attendees": {
            "sam.taylor@hoc.example.org": ("CHAIR", "ACCEPTED"),
            "ana.ruiz@lakeshore.example.org": ("OPT-PARTICIPANT", "DECLINED"),
        },
        # Last Wednesdays of Jan, Mar, May, Jul, Sep, Nov.
        "count": 6,
        "instants": {
            "2026-01-27T20:30:00Z": False,  # AEDT
            "2026-03-24T20:30:00Z": False,  # AEDT until 5 April
            "2026-05-26T21:30:00Z": False,  # AEST
            "2026-09-29T21:30:00Z": False,  # AEST until 4 October
            "2026-11-24T20:30:00Z": False,  # AEDT
        },
        "absent": [],
    },
    105: {
        "summary": "Neuro-oncology board",
        "description": "Focus: Glioma\n"
        "Host site: Northgate University Hospital\n"
        "Join: https://eboard.example.org/sessions/105/join",
        "location": "Northgate University Hospital",
        "tzid": None,  # UTC: DTSTART with a Z
        "dtstart": dt.datetime(2026, 5, 5, 13, 0, tzinfo=UTC),
        "duration": dt.timedelta(minutes=60),
        "status": "CANCELLED",
        "rrule": None,
        "exdate": [],
        "overrides": {},
        "attendees": {"ana.ruiz@lakeshore.example.org": ("REQ-PARTICIPANT", "ACCEPTED")},
        "count": 1,
        "instants": {"2026-05-05T13:00:00Z": False},
        "absent": [],
    },
}

# What a VEVENT may hold. Anything else (COMMENT, ATTACH, X-ALT-DESC...)
# could carry text we did not mean to send through outside mail.
ALLOWED_PROPERTIES = {
    "UID", "DTSTAMP", "CREATED", "LAST-MODIFIED", "DTSTART", "DURATION", "RRULE",
    "EXDATE", "RECURRENCE-ID", "SUMMARY", "DESCRIPTION", "LOCATION", "URL", "SEQUENCE",
    "STATUS", "ORGANIZER", "ATTENDEE",
}

# --- TAP ----------------------------------------------------------------

results = []


def check(description, condition, detail=""):
    results.append((bool(condition), description, detail))
    return bool(condition)


def check_equal(description, got, expected):
    return check(description, got == expected, "got %r, expected %r" % (got, expected))


def report():
    print("1..%d" % len(results))
    failed = 0
    for number, (passed, description, detail) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if passed else "not ok", number, description))
        if not passed:
            failed += 1
            for line in detail.splitlines():
                print("#   " + line)
    return failed


# --- helpers ------------------------------------------------------------


def iso(instant):
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def tzid_of(prop):
    return prop.params.get("TZID")


def naive_local(prop):
    """The wall-clock value of a DATE-TIME property as written (naive for
    TZID times, UTC-aware for Z times)."""
    value = prop.dt
    if tzid_of(prop) is not None:
        return value.replace(tzinfo=None)
    return value


def date_list(component, name):
    """(TZID, wall-clock datetime) of every value of a multi-valued date
    property such as EXDATE."""
    values = []
    for prop in as_list(component.get(name)):
        tzid = getattr(prop, "params", {}).get("TZID")
        for ddd in prop.dts:
            value = ddd.dt
            values.append((tzid, value.replace(tzinfo=None) if tzid else value))
    return values


def zone_of(tzid):
    return ZoneInfo(tzid) if tzid else UTC


def to_utc(local, tzid):
    if tzid is None:
        return local.astimezone(UTC)
    return local.replace(tzinfo=ZoneInfo(tzid)).astimezone(UTC)


WEEKDAYS = {"MO": du.MO, "TU": du.TU, "WE": du.WE, "TH": du.TH, "FR": du.FR, "SA": du.SA,
            "SU": du.SU}


def weekday(text):
    match = re.fullmatch(r"([+-]?\d*)(MO|TU|WE|TH|FR|SA|SU)", text)
    assert match, text
    position = match.group(1)
    day = WEEKDAYS[match.group(2)]
    return day(int(position)) if position not in ("", "+", "-") else day


def expand(main, overrides, window_from, window_to):
    """Occurrences of a VEVENT and its overrides in [from, to), expanded
    with dateutil in wall-clock time and placed with zoneinfo."""
    start_prop = main["DTSTART"]
    tzid = tzid_of(start_prop)
    zone = zone_of(tzid)
    first = naive_local(start_prop)
    duration = main["DURATION"].dt
    exdates = {value for _, value in date_list(main, "EXDATE")}
    moved = {}
    for override in overrides:
        moved[naive_local(override["RECURRENCE-ID"])] = override

    if "RRULE" in main:
        rule = main["RRULE"]
        kwargs = {"dtstart": first, "interval": int(rule.get("INTERVAL", [1])[0])}
        if "COUNT" in rule:
            kwargs["count"] = int(rule["COUNT"][0])
        if "UNTIL" in rule:
            until = rule["UNTIL"][0]
            # RFC 5545: UNTIL in UTC when DTSTART has a TZID; compare in
            # the event's wall-clock time.
            kwargs["until"] = until.astimezone(zone).replace(tzinfo=None) if tzid else until
        kwargs["byweekday"] = [weekday(day) for day in rule["BYDAY"]]
        freq = {"WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY}[rule["FREQ"][0]]
        horizon = window_to + dt.timedelta(days=400)
        starts = []
        for local in du.rrule(freq, **kwargs):
            if to_utc(local, tzid) > horizon:
                break
            starts.append(local)
    else:
        starts = [first]

    occurrences = []
    for local in starts:
        if local in exdates:
            continue
        original = to_utc(local, tzid)
        if local in moved:
            override = moved[local]
            start = to_utc(naive_local(override["DTSTART"]), tzid_of(override["DTSTART"]))
            is_moved = start != original
            length = override["DURATION"].dt
        else:
            start, is_moved, length = original, False, duration
        end = start + length
        if start < window_to and end > window_from:
            occurrences.append({"start": iso(start), "end": iso(end),
                                "original_start": iso(original), "moved": is_moved})
    occurrences.sort(key=lambda o: (o["start"], o["original_start"]))
    return occurrences


def vtimezone_transitions(vtz, until_year=2040):
    """(UTC instant, offset) of every onset the VTIMEZONE describes,
    evaluated here from its STANDARD/DAYLIGHT rules."""
    transitions = []
    limit = dt.datetime(until_year, 1, 1)
    for observance in vtz.subcomponents:
        offset_from = observance["TZOFFSETFROM"].td
        offset_to = observance["TZOFFSETTO"].td
        start = observance["DTSTART"].dt.replace(tzinfo=None)
        onsets = [start]
        if "RRULE" in observance:
            rule = observance["RRULE"]
            until = rule.get("UNTIL", [None])[0]
            text = ";".join("%s=%s" % (key, ",".join(str(v) for v in values))
                            for key, values in rule.items()
                            if key not in ("UNTIL", "BYDAY"))
            if "BYDAY" in rule:
                text += ";BYDAY=" + ",".join(rule["BYDAY"])
            for onset in du.rrulestr(text, dtstart=start):
                if onset > limit:
                    break
                if until is not None and (onset - offset_from).replace(tzinfo=UTC) > until:
                    break
                onsets.append(onset)
        for _, value in date_list(observance, "RDATE"):
            onsets.append(value.replace(tzinfo=None))
        for onset in set(onsets):
            transitions.append(((onset - offset_from).replace(tzinfo=UTC), offset_to))
    transitions.sort(key=lambda t: t[0])
    return transitions


def vtimezone_offset(transitions, instant):
    offset = None
    for onset, value in transitions:
        if onset <= instant:
            offset = value
        else:
            break
    return offset


def check_raw(name, data):
    check("%s: every line ends with CRLF" % name,
          data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b""))
    lines = data.split(b"\r\n")[:-1]
    long_lines = [line for line in lines if len(line) > 75]
    check("%s: lines are folded at 75 octets" % name, not long_lines, repr(long_lines[:2]))


def check_event(name, session_id, main, overrides):
    expected = SESSIONS[session_id]
    prefix = "%s: session %d" % (name, session_id)
    start = main["DTSTART"]

    check_equal(prefix + " UID", str(main["UID"]), "session-%d@eboard.example.org" % session_id)
    check_equal(prefix + " DTSTART TZID", tzid_of(start), expected["tzid"])
    check_equal(prefix + " DTSTART local time", naive_local(start), expected["dtstart"])
    check_equal(prefix + " DURATION", main["DURATION"].dt, expected["duration"])
    check_equal(prefix + " SUMMARY", str(main["SUMMARY"]), expected["summary"])
    check_equal(prefix + " DESCRIPTION is focus, host site and link only",
                str(main["DESCRIPTION"]), expected["description"])
    check_equal(prefix + " LOCATION", str(main["LOCATION"]), expected["location"])
    check_equal(prefix + " URL", str(main["URL"]),
                "https://eboard.example.org/sessions/%d/join" % session_id)
    check_equal(prefix + " STATUS", str(main["STATUS"]), expected["status"])
    check_equal(prefix + " SEQUENCE", int(main["SEQUENCE"]), 4)
    check_equal(prefix + " ORGANIZER", (str(main["ORGANIZER"]), main["ORGANIZER"].params.get("CN")),
                ORGANIZER)

    if expected["rrule"] is None:
        check(prefix + " has no RRULE", "RRULE" not in main)
    else:
        got = {key: list(values) for key, values in main["RRULE"].items()}
        check_equal(prefix + " RRULE parts", got, expected["rrule"])

    exdates = date_list(main, "EXDATE")
    check_equal(prefix + " EXDATE values",
                sorted(value for _, value in exdates), sorted(expected["exdate"]))
    check(prefix + " EXDATE carries the TZID",
          all(tzid == expected["tzid"] for tzid, _ in exdates), repr(exdates))

    got_overrides = {}
    for override in overrides:
        recurrence_id = override["RECURRENCE-ID"]
        check_equal(prefix + " RECURRENCE-ID TZID", tzid_of(recurrence_id), expected["tzid"])
        check_equal(prefix + " override DTSTART TZID", tzid_of(override["DTSTART"]),
                    expected["tzid"])
        got_overrides[naive_local(recurrence_id)] = naive_local(override["DTSTART"])
        check_equal(prefix + " override keeps SUMMARY", str(override["SUMMARY"]),
                    expected["summary"])
    check_equal(prefix + " RECURRENCE-ID overrides", got_overrides, expected["overrides"])

    for component in [main] + overrides:
        attendees = {}
        for attendee in as_list(component.get("ATTENDEE")):
            address = str(attendee)
            params = attendee.params
            check(prefix + " ATTENDEE %s is a mailto address" % address,
                  address.startswith("mailto:"))
            email = address[len("mailto:"):]
            check_equal(prefix + " ATTENDEE %s CN" % email, params.get("CN"), PEOPLE.get(email))
            check_equal(prefix + " ATTENDEE %s RSVP" % email, params.get("RSVP"), "TRUE")
            attendees[email] = (params.get("ROLE"), params.get("PARTSTAT"))
        check_equal(prefix + " ATTENDEE ROLE and PARTSTAT per person", attendees,
                    expected["attendees"])
        extra = sorted(set(component.keys()) - ALLOWED_PROPERTIES)
        check(prefix + " VEVENT holds only invitation properties", not extra, repr(extra))


def check_calendar(folder, name, method, session_ids, expected_json):
    path = os.path.join(folder, name)
    with open(path, "rb") as f:
        data = f.read()
    check_raw(name, data)
    text = data.decode("utf-8")
    calendar = icalendar.Calendar.from_ical(data)

    check_equal(name + ": PRODID", str(calendar["PRODID"]), "-//eboard//eboard 0.1//EN")
    check_equal(name + ": VERSION", str(calendar["VERSION"]), "2.0")
    check_equal(name + ": METHOD", str(calendar["METHOD"]), method)

    for case_text in expected_json["case_text"]:
        check(name + ": no case text (%s...)" % case_text[:24],
              case_text not in text and case_text not in text.replace("\r\n ", ""))

    vtimezones = {str(c["TZID"]): c for c in calendar.walk("VTIMEZONE")}
    check_equal(name + ": one VTIMEZONE per zone", len(vtimezones),
                len(calendar.walk("VTIMEZONE")))
    events = calendar.walk("VEVENT")
    used = set()
    for event in events:
        for key in ("DTSTART", "RECURRENCE-ID"):
            if key in event and tzid_of(event[key]):
                used.add(tzid_of(event[key]))
        used.update(tzid for tzid, _ in date_list(event, "EXDATE") if tzid)
    check_equal(name + ": a VTIMEZONE for each TZID used, and no other", set(vtimezones), used)
    for tzid, vtz in vtimezones.items():
        size = len(vtz.to_ical())
        check(name + ": VTIMEZONE %s is truncated (%d bytes)" % (tzid, size), size < 2500)

    window_from = dt.datetime.fromisoformat(expected_json["window"]["from"].replace("Z", "+00:00"))
    window_to = dt.datetime.fromisoformat(expected_json["window"]["to"].replace("Z", "+00:00"))
    by_id = {s["id"]: s for s in expected_json["sessions"]}

    uids = sorted({str(e["UID"]) for e in events})
    check_equal(name + ": sessions", uids,
                sorted("session-%d@eboard.example.org" % i for i in session_ids))

    for session_id in session_ids:
        uid = "session-%d@eboard.example.org" % session_id
        mine = [e for e in events if str(e["UID"]) == uid]
        mains = [e for e in mine if "RECURRENCE-ID" not in e]
        overrides = [e for e in mine if "RECURRENCE-ID" in e]
        if not check_equal("%s: session %d has one main VEVENT" % (name, session_id),
                           len(mains), 1):
            continue
        main = mains[0]
        check_event(name, session_id, main, overrides)

        expected = SESSIONS[session_id]
        occurrences = expand(main, overrides, window_from, window_to)
        prefix = "%s: session %d" % (name, session_id)
        check_equal(prefix + " occurrences expanded here equal eb_occurrences_expand()",
                    occurrences, by_id[session_id]["occurrences"])
        check_equal(prefix + " occurrence count", len(occurrences), expected["count"])
        starts = {o["start"]: o["moved"] for o in occurrences}
        for instant, moved in expected["instants"].items():
            check_equal(prefix + " occurrence at %s (moved=%s)" % (instant, moved),
                        starts.get(instant), moved)
        for instant in expected["absent"]:
            check(prefix + " no occurrence at %s" % instant, instant not in starts)

        # The written VTIMEZONE gives the same offset as the system
        # zoneinfo at every occurrence, and the wall-clock time of every
        # occurrence that was not moved is the DTSTART's.
        tzid = expected["tzid"]
        if tzid is None or not check(prefix + " VTIMEZONE %s present" % tzid,
                                     tzid in vtimezones):
            continue
        transitions = vtimezone_transitions(vtimezones[tzid])
        zone = ZoneInfo(tzid)
        mismatches = []
        wrong_time = []
        for occurrence in occurrences:
            instant = dt.datetime.fromisoformat(occurrence["start"].replace("Z", "+00:00"))
            offset = vtimezone_offset(transitions, instant)
            if offset != instant.astimezone(zone).utcoffset():
                mismatches.append((occurrence["start"], offset))
            if not occurrence["moved"] and offset is not None:
                if (instant + offset).time() != expected["dtstart"].time():
                    wrong_time.append(occurrence["start"])
        check(prefix + " VTIMEZONE offsets match zoneinfo", not mismatches, repr(mismatches[:3]))
        check(prefix + " wall-clock time stays %s" % expected["dtstart"].strftime("%H:%M"),
              not wrong_time, repr(wrong_time[:3]))


def main():
    if len(sys.argv) != 2:
        print("usage: check-ics.py WRITER", file=sys.stderr)
        return 2
    writer = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="eboard-calendar-") as folder:
        run = subprocess.run([writer, folder], capture_output=True, text=True, timeout=60)
        if not check_equal("writer exits 0", run.returncode, 0):
            results[-1] = (False, results[-1][1], run.stderr)
            return report()
        with open(os.path.join(folder, "expected.json")) as f:
            expected_json = json.load(f)
        check_equal("writer expanded every session", sorted(s["id"] for s in expected_json["sessions"]),
                    sorted(SESSIONS))
        for session_id in (101, 102, 103):
            try:
                check_calendar(folder, "invitation-%d.ics" % session_id, "REQUEST", [session_id],
                               expected_json)
            except Exception:  # a parse error is a failure, not a crash
                check(f"invitation-{session_id}.ics is readable", False, traceback.format_exc())
        try:
            check_calendar(folder, "feed.ics", "PUBLISH", sorted(SESSIONS), expected_json)
            calendar = icalendar.Calendar.from_ical(open(os.path.join(folder, "feed.ics"), "rb").read())
            check_equal("feed.ics: X-WR-CALNAME", str(calendar.get("X-WR-CALNAME")),
                        "Ana Ruiz — eBoard sessions")
        except Exception:
            check("feed.ics is readable", False, traceback.format_exc())
    return report()


if __name__ == "__main__":
    sys.exit(1 if main() else 0)
