/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <sqlite3.h>

#include <eboard/eb-store.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* The resource folder that holds the built-in migrations. */
#define EB_STORE_MIGRATIONS_RESOURCE_PATH "/org/eboard/store/sql"

/* The SQL behind eb_store_person_sessions(), for tests and benchmarks that
 * check its query plan. */
const char *eb_store_person_sessions_sql (gboolean exclusive_only);

/* The EXPLAIN QUERY PLAN of @sql, one plan step a line (the "detail"
 * column, indented by depth). */
char *eb_store_explain (EbStore *self, const char *sql, GError **error);

G_END_DECLS
