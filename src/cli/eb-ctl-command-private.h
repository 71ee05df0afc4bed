/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "eb-ctl-private.h"

G_BEGIN_DECLS

/* What the subcommands share: options that several of them take (with
 * the same help text), the parsing of commands whose one option is
 * --if-match, showing and deleting one object, and reading answers. */

/* clang-format off */
#define EB_CTL_PAGE_ENTRIES(offset, limit) \
  { "offset", 0, 0, G_OPTION_ARG_INT, &(offset), "Rows to skip", "N" }, \
  { "limit", 0, 0, G_OPTION_ARG_INT, &(limit), "Rows to show (1..500)", "N" }
#define EB_CTL_IDEMPOTENCY_KEY_ENTRY(key) \
  { "idempotency-key", 0, 0, G_OPTION_ARG_STRING, &(key), \
    "Idempotency-Key (default: a random UUID)", "KEY" }
/* @what: a string literal, e.g. "session" */
#define EB_CTL_IF_MATCH_ENTRY(if_match, what) \
  { "if-match", 0, 0, G_OPTION_ARG_STRING, &(if_match), \
    "Only if the " what " is still at this version", "VERSION" }
/* clang-format on */

/* Parses a command whose one option is --if-match ("Only if the @what is
 * still at this version") and that takes exactly @n_args words; sets
 * *@if_match (transfer full) when it is given. */
gboolean eb_ctl_parse_if_match (EbCtl *ctl, GStrv *args, guint n_args, const char *what,
                                char **if_match, GError **error);

/* A usage error "--@a and --@b exclude each other" when both are given. */
gboolean eb_ctl_check_exclusive (gboolean a_given, const char *a, gboolean b_given, const char *b,
                                 GError **error);

/* "/api/v1/@collection/ID", after checking the id (@what names it in
 * the error). */
char *eb_ctl_object_path (const char *collection, const char *id_text, const char *what,
                          GError **error);
/* "@what show ID": GET /api/v1/@collection/ID, shown as @fields. */
gboolean eb_ctl_show_object (EbCtl *ctl, GStrv *args, const char *collection, const char *what,
                             const EbCtlColumn *fields, GError **error);
/* "@what delete ID [--if-match VERSION]": DELETE /api/v1/@collection/ID. */
gboolean eb_ctl_delete_object (EbCtl *ctl, GStrv *args, const char *collection, const char *what,
                               GError **error);

/* (transfer none) (nullable): @member of @object when it is a string. */
const char *eb_ctl_string_member (JsonObject *object, const char *member);

G_END_DECLS
