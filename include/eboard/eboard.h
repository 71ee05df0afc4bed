/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#define __EBOARD_H_INSIDE__

#include <eboard/eb-types.h>
#include <eboard/eb-error.h>
#include <eboard/eb-specialty.h>
#include <eboard/eb-site.h>
#include <eboard/eb-person.h>
#include <eboard/eb-recurrence.h>
#include <eboard/eb-session.h>
#include <eboard/eb-roster.h>
#include <eboard/eb-agenda.h>
#include <eboard/eb-token.h>
#include <eboard/eb-deid.h>
#include <eboard/eb-quorum.h>
#include <eboard/eb-conflict.h>
#include <eboard/eb-ics.h>
#include <eboard/eb-join.h>
#include <eboard/eb-recording.h>
#include <eboard/eb-timeline.h>
#include <eboard/eb-media.h>
#include <eboard/eb-store.h>
#include <eboard/eb-service.h>
#include <eboard/eb-api.h>

#undef __EBOARD_H_INSIDE__
