/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>

#include "test-store-common.h"

/* Secret calendar feed URLs in a real database file (migration 004): one
 * row per person holding only the hash of the secret. */

typedef struct
{
  char *dir;
  char *path;
  EbStore *store;
  EbId site_id;
  EbId person_id;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSite) site = NULL;
  g_autoptr (EbPerson) person = NULL;

  f->dir = test_make_dir ();
  f->path = g_build_filename (f->dir, "eboard.db", NULL);
  f->store = eb_store_open (f->path, NULL, &error);
  g_assert_no_error (error);
  site = test_add_site (f->store, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  person = test_add_person (f->store, site->id, "ana", "surgery", TRUE);
  f->site_id = site->id;
  f->person_id = person->id;
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  eb_store_close (f->store);
  g_clear_object (&f->store);
  test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static EbCalendarFeed *
new_feed (EbId person_id, const char *secret)
{
  EbCalendarFeed *feed = eb_calendar_feed_new ();

  feed->person_id = person_id;
  feed->secret_hash = eb_token_hash_secret (secret);
  feed->hint = g_strdup (secret + strlen (secret) - 4);
  return feed;
}

static void
test_schema (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (eb_store_get_schema_version (f->store), >=, 4);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM sqlite_schema WHERE type = "
                                          "'table' AND name = 'calendar_feeds'"),
                   ==, 1);
}

static void
test_put_get_find (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = eb_calendar_feed_generate_secret ();
  g_autoptr (EbCalendarFeed) feed = new_feed (f->person_id, secret);
  g_autoptr (EbCalendarFeed) read = NULL;
  g_autoptr (EbCalendarFeed) found = NULL;
  g_autofree char *stored = NULL;
  gboolean replaced = TRUE;

  g_assert_true (eb_calendar_feed_secret_is_well_formed (secret));
  g_assert_true (eb_store_calendar_feed_put (f->store, feed, &replaced, &error));
  g_assert_no_error (error);
  g_assert_false (replaced);
  g_assert_cmpint (feed->created_at, >, 0);

  read = eb_store_calendar_feed_get (f->store, f->person_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (read->person_id, ==, f->person_id);
  g_assert_cmpstr (read->hint, ==, feed->hint);
  g_assert_cmpint (read->created_at, ==, feed->created_at);
  g_assert_true (eb_calendar_feed_matches (read, feed->secret_hash));

  found = eb_store_calendar_feed_find_by_hash (f->store, feed->secret_hash, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpint (found->person_id, ==, f->person_id);

  /* only the SHA-256 is on disk, never the secret */
  stored = test_raw_text (f->path, "SELECT hash FROM calendar_feeds");
  g_assert_cmpuint (strlen (stored), ==, 64);
  g_assert_cmpstr (stored, ==, feed->secret_hash);
  g_assert_null (strstr (stored, secret));
}

static void
test_unknown (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *hash = eb_token_hash_secret ("ebcal_nothing");
  g_autoptr (EbCalendarFeed) found = NULL;
  g_autoptr (EbCalendarFeed) read = NULL;

  found = eb_store_calendar_feed_find_by_hash (f->store, hash, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  read = eb_store_calendar_feed_get (f->store, f->person_id, &error);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_assert_null (read);
  g_clear_error (&error);

  g_assert_false (eb_store_calendar_feed_delete (f->store, f->person_id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
}

/* A new secret replaces the old one: the old hash finds nothing. */
static void
test_rotate (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *first = eb_calendar_feed_generate_secret ();
  g_autofree char *second = eb_calendar_feed_generate_secret ();
  g_autoptr (EbCalendarFeed) a = new_feed (f->person_id, first);
  g_autoptr (EbCalendarFeed) b = new_feed (f->person_id, second);
  g_autoptr (EbCalendarFeed) old = NULL;
  g_autoptr (EbCalendarFeed) now = NULL;
  gboolean replaced = FALSE;

  g_assert_cmpstr (first, !=, second);
  g_assert_true (eb_store_calendar_feed_put (f->store, a, &replaced, &error));
  g_assert_false (replaced);
  b->created_at = a->created_at + 60;
  g_assert_true (eb_store_calendar_feed_put (f->store, b, &replaced, &error));
  g_assert_no_error (error);
  g_assert_true (replaced);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM calendar_feeds"), ==, 1);

  old = eb_store_calendar_feed_find_by_hash (f->store, a->secret_hash, &error);
  g_assert_no_error (error);
  g_assert_null (old);
  now = eb_store_calendar_feed_find_by_hash (f->store, b->secret_hash, &error);
  g_assert_no_error (error);
  g_assert_nonnull (now);
  g_assert_cmpint (now->created_at, ==, a->created_at + 60);
  g_assert_false (eb_calendar_feed_matches (now, a->secret_hash));
}

static void
test_delete (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = eb_calendar_feed_generate_secret ();
  g_autoptr (EbCalendarFeed) feed = new_feed (f->person_id, secret);
  g_autoptr (EbCalendarFeed) found = NULL;

  g_assert_true (eb_store_calendar_feed_put (f->store, feed, NULL, &error));
  g_assert_true (eb_store_calendar_feed_delete (f->store, f->person_id, &error));
  g_assert_no_error (error);
  found = eb_store_calendar_feed_find_by_hash (f->store, feed->secret_hash, &error);
  g_assert_no_error (error);
  g_assert_null (found);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM calendar_feeds"), ==, 0);
}

/* A feed of nobody is refused; a person's deletion takes the feed along. */
static void
test_person_reference (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = eb_calendar_feed_generate_secret ();
  g_autofree char *other_secret = eb_calendar_feed_generate_secret ();
  g_autoptr (EbCalendarFeed) orphan = new_feed (f->person_id + 1000, secret);
  g_autoptr (EbCalendarFeed) feed = new_feed (f->person_id, other_secret);
  g_autoptr (EbPerson) person = NULL;

  g_assert_false (eb_store_calendar_feed_put (f->store, orphan, NULL, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "does not exist"));
  g_clear_error (&error);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM calendar_feeds"), ==, 0);

  g_assert_true (eb_store_calendar_feed_put (f->store, feed, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (eb_store_person_delete (f->store, f->person_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM calendar_feeds"), ==, 0);
}

/* Two people cannot share a hash; the message names no hash. */
static void
test_same_hash (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbPerson) other = test_add_person (f->store, f->site_id, "ben", "pathology", TRUE);
  g_autofree char *secret = eb_calendar_feed_generate_secret ();
  g_autoptr (EbCalendarFeed) a = new_feed (f->person_id, secret);
  g_autoptr (EbCalendarFeed) b = new_feed (other->id, secret);

  g_assert_true (eb_store_calendar_feed_put (f->store, a, NULL, &error));
  g_assert_false (eb_store_calendar_feed_put (f->store, b, NULL, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_null (strstr (error->message, a->secret_hash));
  g_assert_null (strstr (error->message, secret));
}

/* Inside a transaction that rolls back, nothing stays. */
static void
test_rollback (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = eb_calendar_feed_generate_secret ();
  g_autoptr (EbCalendarFeed) feed = new_feed (f->person_id, secret);

  {
    g_autoptr (EbTransaction) tx = eb_store_transaction_begin (f->store, &error);

    g_assert_no_error (error);
    g_assert_true (eb_store_calendar_feed_put (f->store, feed, NULL, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM calendar_feeds"), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/eboard/store/feeds/schema", test_schema);
  ADD ("/eboard/store/feeds/put-get-find", test_put_get_find);
  ADD ("/eboard/store/feeds/unknown", test_unknown);
  ADD ("/eboard/store/feeds/rotate", test_rotate);
  ADD ("/eboard/store/feeds/delete", test_delete);
  ADD ("/eboard/store/feeds/person-reference", test_person_reference);
  ADD ("/eboard/store/feeds/same-hash", test_same_hash);
  ADD ("/eboard/store/feeds/rollback", test_rollback);
#undef ADD
  return g_test_run ();
}
