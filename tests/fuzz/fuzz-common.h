/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

/*
 * Deterministic mutation fuzzing for GLib tests (gcc has no libFuzzer):
 * a seeded PRNG mutates the inputs of a seed corpus (tests/fuzz/corpus/),
 * for a bounded number of inputs and a bounded time, whichever ends
 * first. A failing input is printed (escaped) with the seed and the
 * iteration, so that the run can be replayed exactly with EB_FUZZ_SEED.
 *
 * Environment: EB_FUZZ_SEED (default: a fixed seed per target),
 * EB_FUZZ_ITERATIONS and EB_FUZZ_SECONDS (defaults per target).
 * The targets are worth most under the sanitizers (build-sanitize), where
 * an out-of-bounds read or a leak fails the run.
 */

typedef struct
{
  GRand *rand;
  guint32 seed;
  guint64 max_iterations;
  gint64 deadline;
  guint64 iteration;
  GPtrArray *corpus; /* GBytes, NUL-terminated beyond their size */
  GPtrArray *names;  /* char *, the corpus files' names */
} EbFuzz;

static inline guint64
eb_fuzz_env_uint (const char *name, guint64 fallback)
{
  const char *text = g_getenv (name);
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT32, &value, NULL))
    return fallback;
  return value;
}

static inline GBytes *
eb_fuzz_bytes_new (const char *data, gsize size)
{
  char *copy = g_malloc (size + 1);

  memcpy (copy, data, size);
  copy[size] = '\0';
  return g_bytes_new_take (copy, size);
}

/* g_ptr_array_sort() passes pointers to the elements. */
static inline gint
eb_fuzz_compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

/* The files of tests/fuzz/corpus/@name, by name. */
static inline void
eb_fuzz_load_corpus (EbFuzz *fuzz, const char *name)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", name, NULL);
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *file;

  dir = g_dir_open (dir_path, 0, &error);
  g_assert_no_error (error);
  while ((file = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (files, g_strdup (file));
  g_ptr_array_sort (files, eb_fuzz_compare_names);
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *path = g_build_filename (dir_path, files->pdata[i], NULL);
      g_autofree char *contents = NULL;
      gsize size = 0;

      g_file_get_contents (path, &contents, &size, &error);
      g_assert_no_error (error);
      g_ptr_array_add (fuzz->corpus, eb_fuzz_bytes_new (contents, size));
      g_ptr_array_add (fuzz->names, g_strdup (files->pdata[i]));
    }
  g_assert_cmpuint (fuzz->corpus->len, >, 0);
}

static inline void
eb_fuzz_init (EbFuzz *fuzz, const char *corpus, guint32 default_seed, guint64 default_iterations,
              guint default_seconds)
{
  fuzz->seed = (guint32)eb_fuzz_env_uint ("EB_FUZZ_SEED", default_seed);
  fuzz->max_iterations = eb_fuzz_env_uint ("EB_FUZZ_ITERATIONS", default_iterations);
  fuzz->deadline = g_get_monotonic_time ()
                   + (gint64)eb_fuzz_env_uint ("EB_FUZZ_SECONDS", default_seconds) * G_USEC_PER_SEC;
  fuzz->rand = g_rand_new_with_seed (fuzz->seed);
  fuzz->iteration = 0;
  fuzz->corpus = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  fuzz->names = g_ptr_array_new_with_free_func (g_free);
  if (corpus != NULL)
    eb_fuzz_load_corpus (fuzz, corpus);
  g_test_message ("seed %u, at most %" G_GUINT64_FORMAT " inputs or %" G_GUINT64_FORMAT " s",
                  fuzz->seed, fuzz->max_iterations,
                  eb_fuzz_env_uint ("EB_FUZZ_SECONDS", default_seconds));
}

static inline void
eb_fuzz_clear (EbFuzz *fuzz)
{
  g_test_message ("%" G_GUINT64_FORMAT " inputs", fuzz->iteration);
  g_clear_pointer (&fuzz->rand, g_rand_free);
  g_clear_pointer (&fuzz->corpus, g_ptr_array_unref);
  g_clear_pointer (&fuzz->names, g_ptr_array_unref);
}

/* Whether to run one more input (the clock is read every 32 inputs). */
static inline gboolean
eb_fuzz_next (EbFuzz *fuzz)
{
  if (fuzz->iteration >= fuzz->max_iterations)
    return FALSE;
  if (fuzz->iteration % 32 == 0 && fuzz->iteration > 0 && g_get_monotonic_time () > fuzz->deadline)
    return FALSE;
  fuzz->iteration++;
  return TRUE;
}

static inline guint
eb_fuzz_below (EbFuzz *fuzz, guint n)
{
  return n == 0 ? 0 : (guint)g_rand_int_range (fuzz->rand, 0, (gint32)n);
}

static inline gboolean
eb_fuzz_chance (EbFuzz *fuzz, guint one_in)
{
  return eb_fuzz_below (fuzz, one_in) == 0;
}

/* A printable form of @data for a failure report. */
static inline char *
eb_fuzz_describe (const char *data, gsize size)
{
  GString *out = g_string_new ("\"");

  for (gsize i = 0; i < size; i++)
    {
      guchar c = (guchar)data[i];

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c >= 0x20 && c < 0x7f)
        g_string_append_c (out, (char)c);
      else
        g_string_append_printf (out, "\\x%02x", c);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

/* Fails the test, naming the input that broke @what. */
#define eb_fuzz_check(fuzz, cond, data, size, what)                                                \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if (G_UNLIKELY (!(cond)))                                                                      \
      {                                                                                            \
        g_autofree char *shown_ = eb_fuzz_describe ((const char *)(data), (size));                 \
        g_error ("fuzz seed %u, input %" G_GUINT64_FORMAT ": %s (%s) with %s", (fuzz)->seed,       \
                 (fuzz)->iteration, (what), #cond, shown_);                                        \
      }                                                                                            \
  }                                                                                                \
  G_STMT_END

/* One random entry of the corpus. */
static inline GBytes *
eb_fuzz_pick (EbFuzz *fuzz)
{
  return g_ptr_array_index (fuzz->corpus, eb_fuzz_below (fuzz, fuzz->corpus->len));
}

static inline void
eb_fuzz_append_utf8 (GByteArray *out, gunichar c)
{
  char buf[8];
  gint n = g_unichar_to_utf8 (c, buf);

  g_byte_array_append (out, (const guint8 *)buf, (guint)n);
}

static inline void
eb_fuzz_insert (GByteArray *data, guint at, const void *bytes, guint n)
{
  g_byte_array_set_size (data, data->len + n);
  memmove (data->data + at + n, data->data + at, data->len - n - at);
  memcpy (data->data + at, bytes, n);
}

/*
 * Applies 1 to 4 random mutations to @data: bit flips, interesting bytes,
 * @tokens from the target's dictionary (nullable, NULL-terminated),
 * UTF-8 sequences (valid, overlong, surrogates, beyond U+10FFFF),
 * deletions, duplications, truncation and splices with another corpus
 * entry. @data stays at most @max_size bytes.
 */
static inline void
eb_fuzz_mutate (EbFuzz *fuzz, GByteArray *data, const char *const *tokens, guint max_size)
{
  static const guint8 interesting[]
      = { 0x00, 0x01, 0x09, 0x0a, 0x0d, 0x1b, 0x20, 0x22, 0x27, 0x2c, 0x2d,
          0x2f, 0x30, 0x39, 0x3a, 0x5b, 0x5c, 0x5d, 0x7b, 0x7d, 0x7f, 0x80,
          0xbf, 0xc0, 0xc2, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf8, 0xff };
  static const char *const sequences[] = {
    "\xc0\x80",         /* overlong NUL */
    "\xed\xa0\x80",     /* a surrogate */
    "\xf4\x90\x80\x80", /* beyond U+10FFFF */
    "\xc2\x9b",         /* C1 CSI */
    "\xe2\x80\x8b",     /* zero-width space */
    "\xef\xbb\xbf",     /* BOM */
    "\xc2\xa0",         /* no-break space */
    "\xe2\x80\x93",     /* en dash */
    "\xef\xbc\x91",     /* fullwidth 1 */
    "\xd9\xa3",         /* Arabic-Indic 3 */
    "\xf0\x9d\x9f\x8e", /* mathematical bold 0 */
    "\xe2\x80\xae",     /* right-to-left override */
  };
  guint rounds = 1 + eb_fuzz_below (fuzz, 4);

  for (guint r = 0; r < rounds; r++)
    {
      guint at = eb_fuzz_below (fuzz, data->len + 1);

      switch (eb_fuzz_below (fuzz, 10))
        {
          case 0:
            if (data->len > 0)
              data->data[at % data->len] ^= (guint8)(1u << eb_fuzz_below (fuzz, 8));
            break;
          case 1:
            if (data->len > 0)
              data->data[at % data->len] = interesting[eb_fuzz_below (fuzz, sizeof interesting)];
            break;
          case 2:
            {
              guint8 byte = interesting[eb_fuzz_below (fuzz, sizeof interesting)];

              eb_fuzz_insert (data, at, &byte, 1);
            }
            break;
          case 3:
            if (tokens != NULL && tokens[0] != NULL)
              {
                guint n = g_strv_length ((char **)tokens);
                const char *token = tokens[eb_fuzz_below (fuzz, n)];

                eb_fuzz_insert (data, at, token, (guint)strlen (token));
              }
            break;
          case 4:
            {
              const char *seq = sequences[eb_fuzz_below (fuzz, G_N_ELEMENTS (sequences))];

              eb_fuzz_insert (data, at, seq, (guint)strlen (seq));
            }
            break;
          case 5:
            if (at < data->len)
              g_byte_array_remove_range (data, at,
                                         1 + eb_fuzz_below (fuzz, MIN (16u, data->len - at)));
            break;
          case 6:
            if (at < data->len)
              {
                guint n = 1 + eb_fuzz_below (fuzz, MIN (32u, data->len - at));
                g_autofree guint8 *copy = g_memdup2 (data->data + at, n);

                eb_fuzz_insert (data, at, copy, n);
              }
            break;
          case 7:
            if (data->len > 0)
              g_byte_array_set_size (data, at % data->len);
            break;
          case 8:
            if (fuzz->corpus->len > 0)
              {
                GBytes *other = eb_fuzz_pick (fuzz);
                gsize size = 0;
                const guint8 *bytes = g_bytes_get_data (other, &size);
                guint from = eb_fuzz_below (fuzz, (guint)size + 1);
                guint n = eb_fuzz_below (fuzz, (guint)size - from + 1);

                eb_fuzz_insert (data, at, bytes + from, n);
              }
            break;
          default:
            {
              guint8 byte = (guint8)eb_fuzz_below (fuzz, 256);

              eb_fuzz_insert (data, at, &byte, 1);
            }
            break;
        }
      if (data->len > max_size)
        g_byte_array_set_size (data, max_size);
    }
}

/* @data as a NUL-terminated string (the NUL is not counted in len). */
static inline const char *
eb_fuzz_cstr (GByteArray *data)
{
  guint8 nul = 0;

  g_byte_array_append (data, &nul, 1);
  g_byte_array_set_size (data, data->len - 1);
  return (const char *)data->data;
}
