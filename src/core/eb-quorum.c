/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <eboard/eb-quorum.h>

static void
eb_quorum_coverage_free (EbQuorumCoverage *coverage)
{
  if (coverage == NULL)
    return;
  g_free (coverage->specialty);
  g_clear_pointer (&coverage->person_ids, g_array_unref);
  g_free (coverage);
}

void
eb_quorum_report_free (EbQuorumReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->covered, g_ptr_array_unref);
  g_clear_pointer (&report->missing, g_strfreev);
  g_free (report);
}

static gboolean
eb_quorum_array_has_id (GArray *ids, EbId id)
{
  for (guint i = 0; i < ids->len; i++)
    {
      if (g_array_index (ids, EbId, i) == id)
        return TRUE;
    }
  return FALSE;
}

/**
 * eb_quorum_evaluate:
 * @required: NULL-terminated specialty codes
 * @entries: (element-type EbRosterEntry): the roster
 * @people: (element-type EbPerson): the people the roster names
 *
 * Only roster members whose invitation is accepted count, each for their
 * own specialty; entries naming a person absent from @people are ignored.
 * A specialty listed twice in @required is reported once.
 *
 * Returns: (transfer full): the report
 */
EbQuorumReport *
eb_quorum_evaluate (const char *const *required, GPtrArray *entries, GPtrArray *people)
{
  g_autoptr (EbQuorumReport) report = g_new0 (EbQuorumReport, 1);
  g_autoptr (GHashTable) people_by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GStrvBuilder) missing = g_strv_builder_new ();

  report->covered = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_quorum_coverage_free);

  for (guint i = 0; people != NULL && i < people->len; i++)
    {
      EbPerson *person = g_ptr_array_index (people, i);
      g_hash_table_insert (people_by_id, &person->id, person);
    }

  for (guint r = 0; required != NULL && required[r] != NULL; r++)
    {
      const char *code = required[r];
      g_autoptr (GArray) ids = NULL;

      if (!g_hash_table_add (seen, (gpointer)code))
        continue;

      ids = g_array_new (FALSE, FALSE, sizeof (EbId));
      for (guint i = 0; entries != NULL && i < entries->len; i++)
        {
          const EbRosterEntry *entry = g_ptr_array_index (entries, i);
          const EbPerson *person;

          if (entry->status != EB_INVITATION_ACCEPTED)
            continue;
          person = g_hash_table_lookup (people_by_id, &entry->person_id);
          if (person == NULL || g_strcmp0 (person->specialty, code) != 0)
            continue;
          if (!eb_quorum_array_has_id (ids, person->id))
            g_array_append_val (ids, person->id);
        }

      if (ids->len > 0)
        {
          EbQuorumCoverage *coverage = g_new0 (EbQuorumCoverage, 1);
          coverage->specialty = g_strdup (code);
          coverage->person_ids = g_steal_pointer (&ids);
          g_ptr_array_add (report->covered, coverage);
        }
      else
        {
          g_strv_builder_add (missing, code);
        }
    }

  report->missing = g_strv_builder_end (missing);
  report->met = report->missing[0] == NULL;
  return g_steal_pointer (&report);
}
