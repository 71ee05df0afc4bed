/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/*
 * EbPipelineTemplates: the `*.pipeline` files of a folder, each a
 * gst-launch description with `${name}` placeholders; `#` starts a
 * comment line. Loading checks every template: unknown element names,
 * unbalanced placeholders and parse errors are errors naming the file and
 * line ("pipelines/record.pipeline:3: no element \"foo\"").
 */
typedef struct _EbPipelineTemplates EbPipelineTemplates;

EbPipelineTemplates *eb_pipeline_templates_load (const char *directory, GError **error);
void eb_pipeline_templates_free (EbPipelineTemplates *templates);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbPipelineTemplates, eb_pipeline_templates_free)

/* (transfer none) (element-type utf8): the template names, e.g. "record". */
GPtrArray *eb_pipeline_templates_list (EbPipelineTemplates *templates);

/**
 * eb_pipeline_templates_instantiate:
 * @name: template name (file name without `.pipeline`)
 * @values: (element-type utf8 utf8): placeholder values; every
 *   placeholder of the template must have one (values are quoted for
 *   gst-launch syntax)
 *
 * Returns: (transfer floating): a bin with ghost pads for its unlinked
 *   pads (gst_parse_bin_from_description)
 */
GstElement *eb_pipeline_templates_instantiate (EbPipelineTemplates *templates, const char *name,
                                               GHashTable *values, GError **error);
/* (transfer full) (nullable): the gst-launch description of template
 * @name with @values filled in, for gst_parse_bin_from_description() */
char *eb_pipeline_templates_expand (EbPipelineTemplates *templates, const char *name,
                                    GHashTable *values, GError **error);
/* (transfer none) (nullable) (element-type utf8): the placeholders of
 * template @name, in order of appearance; %NULL without such a template */
GPtrArray *eb_pipeline_templates_get_placeholders (EbPipelineTemplates *templates,
                                                   const char *name);

G_END_DECLS
