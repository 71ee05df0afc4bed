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

/*
 * The rest is shared by the files of the store, one per concept: the
 * connection (eb-store.c), migrations, transactions, the generic table
 * helpers (eb-store-table.c) and one file per repository.
 */

/*
 * EbStore: one SQLite connection with a cache of prepared statements.
 * It belongs to one thread (the daemon's main context); other processes
 * may use the same file at the same time (WAL, busy timeout).
 */
struct _EbStore
{
  GObject parent_instance;

  sqlite3 *db;
  char *path;
  /* SQL text -> prepared sqlite3_stmt, finalized on close */
  GHashTable *statements;
  gint schema_version;
  /* an EbTransaction is open */
  gboolean in_transaction;
  /* internal scopes currently open (see EbScope) */
  guint scope_depth;
};

/* --- the connection, errors and statements (eb-store.c) --- */

gint64 eb_store_now (void);

gboolean eb_store_check_open (EbStore *self, GError **error);
/* Wraps a failed SQLite call (see eb-store.c for the mapping). */
void eb_store_set_error (EbStore *self, GError **error, int rc, const char *operation);
/* Sets EB_ERROR_NOT_FOUND and returns FALSE. */
gboolean eb_store_not_found (GError **error, const char *noun, EbId id);
/* EB_ERROR_INVALID when @name, the text of enum @value, is NULL. */
gboolean eb_check_enum (const char *name, const char *what, int value, GError **error);

/* A statement borrowed from the cache: when it goes out of scope it is reset
 * (so that a half-read SELECT never keeps a read transaction open) and its
 * bindings are cleared. */
typedef sqlite3_stmt EbCachedStmt;

void eb_cached_stmt_release (EbCachedStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbCachedStmt, eb_cached_stmt_release)

EbCachedStmt *eb_store_prepare (EbStore *self, const char *sql, GError **error);

/* Binding by name: a parameter the statement does not have is skipped. */
void eb_bind_int64 (sqlite3_stmt *stmt, const char *name, gint64 value);
/* An optional instant or id: 0 ("not set", see eb-types.h) is stored as
 * NULL, and reads back as 0. */
void eb_bind_optional (sqlite3_stmt *stmt, const char *name, gint64 value);
void eb_bind_text (sqlite3_stmt *stmt, const char *name, const char *value);
char *eb_column_strdup (sqlite3_stmt *stmt, int column);

/* Runs a statement that returns no rows (or whose rows do not matter). */
gboolean eb_store_step (EbStore *self, sqlite3_stmt *stmt, const char *operation, GError **error);
gboolean eb_store_exec (EbStore *self, const char *sql, const char *operation, GError **error);
/* The first column of the only row of @stmt. */
gboolean eb_store_query_int64 (EbStore *self, sqlite3_stmt *stmt, gint64 *value,
                               const char *operation, GError **error);

typedef gpointer (*EbRowFunc) (EbStore *self, sqlite3_stmt *stmt, GError **error);

/* The first row of @stmt built by @func, or NULL in *@out when there is
 * none. */
gboolean eb_store_query_one (EbStore *self, sqlite3_stmt *stmt, EbRowFunc func, gpointer *out,
                             const char *operation, GError **error);
GPtrArray *eb_store_query_all (EbStore *self, sqlite3_stmt *stmt, EbRowFunc func,
                               GDestroyNotify free_func, const char *operation, GError **error);

/* --- migrations (eb-store-migrations.c) --- */

/* Brings the schema up to date and sets self->schema_version. */
gboolean eb_store_migrate (EbStore *self, const char *migrations_dir, GError **error);

/* --- scopes: one repository call that runs several statements
 * (eb-store-transaction.c) --- */

/*
 * A repository call made of several statements runs as a unit: in its own
 * transaction (BEGIN IMMEDIATE for writes, so that a writer takes the lock
 * up front rather than failing to upgrade a read lock; a plain BEGIN for
 * reads, for one consistent snapshot), or, inside an EbTransaction or
 * another scope, as a savepoint, so that a failed call leaves the
 * surrounding transaction as it was before the call.
 */
typedef struct
{
  EbStore *store;
  gboolean savepoint;
  gboolean active;
} EbScope;

#define EB_SCOPE_INIT                                                                              \
  {                                                                                                \
    NULL, FALSE, FALSE                                                                             \
  }

gboolean eb_scope_begin (EbStore *self, EbScope *scope, gboolean write, GError **error);
/* Rolls back unless committed. */
void eb_scope_clear (EbScope *scope);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EbScope, eb_scope_clear)
gboolean eb_scope_commit (EbScope *scope, GError **error);

/* --- tables (eb-store-table.c) --- */

/* Explains a failed write of @entity: EB_ERROR_CONFLICT naming the
 * duplicate or the missing referenced object where that can be told. */
typedef gboolean (*EbWriteFailedFunc) (EbStore *self, gconstpointer entity, int rc,
                                       const char *operation, GError **error);

/*
 * EbTable: what the generic helpers need to know of a table and of the
 * entity its rows hold.
 */
typedef struct
{
  /* the SQL table */
  const char *name;
  /* in messages: "agenda item", and with its article: "an agenda item" */
  const char *noun;
  const char *a_noun;
  /* the columns @from_row reads, in order */
  const char *columns;
  EbRowFunc from_row;
  GDestroyNotify free_func;
  /* named when a foreign key refuses a delete */
  const char *referenced_by;
  EbWriteFailedFunc write_failed;

  /* Versioned entities only (see EB_TABLE_VERSIONED): checks the fields
   * SQL cannot (nullable), binds them by name, and reads back the row of
   * a RETURNING clause (nullable). */
  gboolean (*check) (gconstpointer entity, GError **error);
  void (*bind) (sqlite3_stmt *stmt, gconstpointer entity);
  void (*returned) (sqlite3_stmt *stmt, gpointer entity);
  gboolean versioned;
  gsize id_offset;
  gsize version_offset;
  gsize created_at_offset;
  gsize updated_at_offset;
} EbTable;

/* In an EbTable initializer: @Type has the fields id, version, created_at
 * and updated_at. */
#define EB_TABLE_VERSIONED(Type)                                                                   \
  .versioned = TRUE, .id_offset = G_STRUCT_OFFSET (Type, id),                                      \
  .version_offset = G_STRUCT_OFFSET (Type, version),                                               \
  .created_at_offset = G_STRUCT_OFFSET (Type, created_at),                                         \
  .updated_at_offset = G_STRUCT_OFFSET (Type, updated_at)

/* An object a row refers to by a foreign key. */
typedef struct
{
  const char *table;
  const char *noun;
  EbId id;
} EbReference;

gboolean eb_store_row_exists (EbStore *self, const char *table, EbId id, gboolean *exists,
                              GError **error);
/* A write failed. For a foreign-key failure, names the first of @refs that
 * does not exist (SQLite does not say which one it was). */
gboolean eb_store_write_failed (EbStore *self, int rc, const char *operation,
                                const EbReference *refs, guint n_refs, GError **error);

/* Prepares "SELECT <columns> FROM <table> WHERE @where [ORDER BY @order]". */
EbCachedStmt *eb_store_select (EbStore *self, const EbTable *table, const char *where,
                               const char *order, GError **error);
/* The row with this id, or NULL in *@out when there is none. */
gboolean eb_store_find_by_id (EbStore *self, const EbTable *table, EbId id, gpointer *out,
                              GError **error);
/* The row with this id, or NULL with EB_ERROR_NOT_FOUND. */
gpointer eb_store_get_by_id (EbStore *self, const EbTable *table, EbId id, GError **error);
/* Every row whose @column is @value, by @order. */
GPtrArray *eb_store_list_children (EbStore *self, const EbTable *table, const char *column,
                                   EbId value, const char *order, const char *operation,
                                   GError **error);

/* Runs @stmt, an INSERT whose entity fields are bound, with :now; the new
 * row's id goes to *@id. The entity itself is not changed. */
gboolean eb_store_insert_row (EbStore *self, const EbTable *table, sqlite3_stmt *stmt,
                              gpointer entity, gint64 now, EbId *id, GError **error);
/* Runs @stmt, an "UPDATE ... SET ..., version = version + 1, updated_at =
 * :now WHERE id = :id AND version = :version" whose entity fields are
 * bound; :id and :version come from @entity. When no row has both:
 * EB_ERROR_NOT_FOUND, or EB_ERROR_STALE with the version it has. The
 * entity itself is not changed but for what table->returned reads. */
gboolean eb_store_update_row (EbStore *self, const EbTable *table, sqlite3_stmt *stmt,
                              gpointer entity, gint64 now, GError **error);
/* What a successful write changes in the entity. */
void eb_table_stamp_inserted (const EbTable *table, gpointer entity, EbId id, gint64 now);
void eb_table_stamp_updated (const EbTable *table, gpointer entity, gint64 now);

/* Check, prepare, bind, run and stamp: one statement writes the entity. */
gboolean eb_store_insert_entity (EbStore *self, const EbTable *table, const char *sql,
                                 gpointer entity, GError **error);
gboolean eb_store_update_entity (EbStore *self, const EbTable *table, const char *sql,
                                 gpointer entity, GError **error);

/* Deletes the row with this id: EB_ERROR_NOT_FOUND when there is none,
 * EB_ERROR_CONFLICT naming table->referenced_by when a foreign key refuses. */
gboolean eb_store_delete_row (EbStore *self, const EbTable *table, EbId id, GError **error);

typedef void (*EbBindFunc) (sqlite3_stmt *stmt, gconstpointer filter);

typedef struct
{
  const EbTable *table;
  const char *order;
  const char *operation;
} EbPageQuery;

/* One page of a filtered list and, when @total is not NULL, the number of
 * rows the filter matches, from one snapshot. */
GPtrArray *eb_store_list_page (EbStore *self, const EbPageQuery *query, const char *where,
                               EbBindFunc bind, gconstpointer filter, const EbPage *page,
                               guint *total, GError **error);

/* --- rows shared between repositories --- */

/* eb-store-sessions.c: a session from the session columns starting at
 * column @first, with its recurrence and exceptions. */
#define EB_SESSION_N_COLUMNS 12
EbSession *eb_store_session_from_columns (EbStore *self, sqlite3_stmt *stmt, int first,
                                          GError **error);

G_END_DECLS
