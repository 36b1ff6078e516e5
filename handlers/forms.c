/* forms.c — the form blocks several pages share: the address block and the person-field limits,
 * both drawn from the field tables of app/fields.h. */
#include "routes.h"

#include <string.h>

#include "../app/db/customers.h"
#include "../app/validate.h"
#include "../app/view.h"

/* The form key and element id of field f of kind: "billing_line1". */
static const char *field_key(struct request *req, enum address_kind kind, enum address_field f)
{
	return arena_printf(req->arena, "%s_%s", ADDRESS_KINDS[kind], ADDRESS_FIELDS[f].name);
}

void address_form_read(struct request *req, enum address_kind kind, struct address_form *form)
{
	*form = (struct address_form){.kind = kind};
	for (int f = 0; f < ADDRESS__MAX; f++) {
		const char *v = http_form(req, field_key(req, kind, f));
		form->value[f] = v != NULL ? v : "";
	}
}

void address_forms_stored(struct address_form form[ADDRESS_KIND__MAX], const struct address *addrs,
                          size_t n)
{
	for (int k = 0; k < ADDRESS_KIND__MAX; k++) {
		form[k] = (struct address_form){.kind = k};
		for (int f = 0; f < ADDRESS__MAX; f++)
			form[k].value[f] = "";
	}
	for (size_t i = 0; i < n; i++) {
		const struct address *a = &addrs[i];
		for (int k = 0; k < ADDRESS_KIND__MAX; k++) {
			if (strcmp(a->kind, ADDRESS_KINDS[k]) != 0)
				continue;
			form[k].value[ADDRESS_LINE1] = a->line1;
			form[k].value[ADDRESS_LINE2] = a->line2;
			form[k].value[ADDRESS_CITY] = a->city;
			form[k].value[ADDRESS_POSTCODE] = a->postcode;
			form[k].value[ADDRESS_COUNTRY] = a->country;
		}
	}
}

bool address_form_empty(const struct address_form *form)
{
	for (int f = 0; f < ADDRESS__MAX; f++)
		if (*form->value[f] != '\0')
			return false;
	return true;
}

/* "Address line 1" as it reads inside a sentence: "address line 1". */
static const char *lower_label(struct request *req, const char *label)
{
	char *s = arena_strdup(req->arena, label);
	if (*s >= 'A' && *s <= 'Z')
		*s = (char)(*s - 'A' + 'a');
	return s;
}

bool address_form_check(struct request *req, struct tdict *ctx, struct address_form *form)
{
	bool ok = true;
	for (int f = 0; f < ADDRESS__MAX; f++) {
		form->error[f] = NULL;
		if (valid_address_field(f, form->value[f]))
			continue;
		/* Specific to the field and the problem: "Enter the city of the billing
		 * address", not "Fill this in". */
		const char *label = ADDRESS_FIELDS[f].label;
		const char *of = ADDRESS_KINDS[form->kind];
		if (text_blank(form->value[f]))
			form->error[f] = arena_printf(req->arena, "Enter the %s of the %s address.",
			                              lower_label(req, label), of);
		else if (text_chars(form->value[f]) > ADDRESS_FIELDS[f].max_chars)
			form->error[f] = arena_printf(
			    req->arena, "Enter the %s of the %s address in %u characters or fewer.",
			    lower_label(req, label), of, ADDRESS_FIELDS[f].max_chars);
		else
			form->error[f] = arena_printf(
			    req->arena,
			    "Enter the %s of the %s address as plain text on one line%s.",
			    lower_label(req, label), of,
			    ADDRESS_FIELDS[f].optional ? ", or leave it empty" : "");
		view_field_error(req, ctx, field_key(req, form->kind, f), form->error[f]);
		ok = false;
	}
	return ok;
}

void address_form_ctx(struct request *req, struct tdict *ctx, const struct address_form *form)
{
	struct tdict *block =
	    tdict_dict(ctx, arena_printf(req->arena, "%s_address", ADDRESS_KINDS[form->kind]));
	struct tlist *l = tdict_list(block, "fields");
	for (int f = 0; f < ADDRESS__MAX; f++) {
		/* Every key is set on every item: a missing one would be looked up in the page. */
		struct tdict *d = tlist_add(l);
		tdict_set_ref(d, "id", field_key(req, form->kind, f));
		tdict_set_ref(d, "label", ADDRESS_FIELDS[f].label);
		tdict_set_bool(d, "optional", ADDRESS_FIELDS[f].optional);
		tdict_set_ref(d, "value", form->value[f]);
		tdict_setf(d, "max", "%u", ADDRESS_FIELDS[f].max_chars);
		tdict_set_ref(d, "error", form->error[f]);
	}
}

void person_fields_ctx(struct tdict *ctx)
{
	struct tdict *max = tdict_dict(ctx, "max");
	for (int f = 0; f < PERSON__MAX; f++)
		tdict_setf(max, PERSON_FIELDS[f].name, "%u", PERSON_FIELDS[f].max_chars);
}
