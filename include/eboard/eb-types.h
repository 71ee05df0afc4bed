/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Object ids are positive SQLite rowids; 0 means "none". Instants are
 * Unix seconds in UTC; 0 means "not set". */
typedef gint64 EbId;

/**
 * EbPage:
 * @offset: rows to skip
 * @limit: rows to return (1..EB_PAGE_MAX_LIMIT)
 *
 * A window on a list; list calls also report the total count.
 */
typedef struct
{
  guint offset;
  guint limit;
} EbPage;

#define EB_PAGE_DEFAULT_LIMIT 50
#define EB_PAGE_MAX_LIMIT 500

G_END_DECLS
