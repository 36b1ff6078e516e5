/* status.c — the order and customer lifecycles: name tables and the tables of allowed changes. */
#include "status.h"

#include <stdio.h>
#include <string.h>

static const char *const order_names[ORDER__MAX] = {
    [ORDER_PLACED] = "placed",       [ORDER_PAID] = "paid",           [ORDER_SHIPPED] = "shipped",
    [ORDER_DELIVERED] = "delivered", [ORDER_CANCELLED] = "cancelled", [ORDER_REFUNDED] = "refunded",
};

#define TO(s) (1u << (s))

/* Where each order status may go next: the shop's whole order lifecycle. */
static const unsigned order_next[ORDER__MAX] = {
    [ORDER_PLACED] = TO(ORDER_PAID) | TO(ORDER_CANCELLED),
    [ORDER_PAID] = TO(ORDER_SHIPPED) | TO(ORDER_CANCELLED) | TO(ORDER_REFUNDED),
    [ORDER_SHIPPED] = TO(ORDER_DELIVERED) | TO(ORDER_REFUNDED),
    [ORDER_DELIVERED] = TO(ORDER_REFUNDED),
    [ORDER_CANCELLED] = 0,
    [ORDER_REFUNDED] = 0,
};

static const char *const customer_names[CUSTOMER__MAX] = {
    [CUSTOMER_PENDING] = "pending",         [CUSTOMER_APPROVED] = "approved",
    [CUSTOMER_DENIED] = "denied",           [CUSTOMER_CANCELLED] = "cancelled",
    [CUSTOMER_DEACTIVATED] = "deactivated", [CUSTOMER_DELETED] = "deleted",
};

/*
 * Where each account status may go next: a representative approves (also
 * reactivating a denied, cancelled or deactivated account), denies a
 * registration or cancels access; the customer deactivates or deletes.
 */
static const unsigned customer_next[CUSTOMER__MAX] = {
    [CUSTOMER_PENDING] = TO(CUSTOMER_APPROVED) | TO(CUSTOMER_DENIED) | TO(CUSTOMER_CANCELLED),
    [CUSTOMER_APPROVED] = TO(CUSTOMER_CANCELLED) | TO(CUSTOMER_DEACTIVATED) | TO(CUSTOMER_DELETED),
    [CUSTOMER_DENIED] = TO(CUSTOMER_APPROVED),
    [CUSTOMER_CANCELLED] = TO(CUSTOMER_APPROVED),
    [CUSTOMER_DEACTIVATED] = TO(CUSTOMER_APPROVED),
    [CUSTOMER_DELETED] = 0,
};

static int parse(const char *const *names, int n, const char *s)
{
	for (int i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/*
 * Writes the names of the statuses whose bit is set in mask into buf as
 * "a, b or c".  Returns buf, or NULL when mask is empty.
 */
static const char *list_text(const char *const *names, int n, unsigned mask, char *buf, size_t cap)
{
	int total = 0, done = 0;
	for (int i = 0; i < n; i++)
		total += (mask & TO(i)) != 0;
	if (total == 0)
		return NULL;
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && len < cap; i++) {
		if ((mask & TO(i)) == 0)
			continue;
		const char *sep = done == 0 ? "" : (done == total - 1 ? " or " : ", ");
		int w = snprintf(buf + len, cap - len, "%s%s", sep, names[i]);
		if (w < 0)
			break;
		len += (size_t)w;
		done++;
	}
	return buf;
}

const char *order_status_name(enum order_status s)
{
	return (unsigned)s < ORDER__MAX ? order_names[s] : NULL;
}

int order_status_parse(const char *s)
{
	return parse(order_names, ORDER__MAX, s);
}

bool order_status_allowed(enum order_status from, enum order_status to)
{
	return (unsigned)from < ORDER__MAX && (unsigned)to < ORDER__MAX &&
	       (order_next[from] & TO(to)) != 0;
}

const char *order_status_next_text(enum order_status from)
{
	static char text[ORDER__MAX][96];
	if ((unsigned)from >= ORDER__MAX)
		return NULL;
	return list_text(order_names, ORDER__MAX, order_next[from], text[from], sizeof(text[from]));
}

bool order_status_is_final(enum order_status s)
{
	return (unsigned)s < ORDER__MAX && order_next[s] == 0;
}

bool order_status_needs_refund(enum order_status from, enum order_status to)
{
	return to == ORDER_REFUNDED || (to == ORDER_CANCELLED && from == ORDER_PAID);
}

bool order_status_tells_customer(enum order_status s)
{
	return s == ORDER_SHIPPED || s == ORDER_DELIVERED || s == ORDER_CANCELLED ||
	       s == ORDER_REFUNDED;
}

const char *customer_status_name(enum customer_status s)
{
	return (unsigned)s < CUSTOMER__MAX ? customer_names[s] : NULL;
}

int customer_status_parse(const char *s)
{
	return parse(customer_names, CUSTOMER__MAX, s);
}

bool customer_status_allowed(enum customer_status from, enum customer_status to)
{
	return (unsigned)from < CUSTOMER__MAX && (unsigned)to < CUSTOMER__MAX &&
	       (customer_next[from] & TO(to)) != 0;
}

const char *customer_status_prev_text(enum customer_status to)
{
	static char text[CUSTOMER__MAX][128];
	if ((unsigned)to >= CUSTOMER__MAX)
		return NULL;
	unsigned from = 0;
	for (int i = 0; i < CUSTOMER__MAX; i++)
		if (customer_next[i] & TO(to))
			from |= TO(i);
	return list_text(customer_names, CUSTOMER__MAX, from, text[to], sizeof(text[to]));
}

enum customer_status customer_status_of(const char *s)
{
	int st = customer_status_parse(s);
	return st < 0 ? CUSTOMER__MAX : (enum customer_status)st;
}
