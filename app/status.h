/* status.h — the lifecycles of an order and of a customer account: the statuses, their names
 * and the one table of allowed changes each, used by the shop, the staff site and dittoctl. */
#ifndef DITTO_STATUS_H
#define DITTO_STATUS_H

#include <stdbool.h>

/* orders.status, in the order of the lifecycle (the schema's ENUM spells the same names). */
enum order_status {
	ORDER_PLACED,    /* by invoice: waits for the payment */
	ORDER_PAID,      /* waits for the shipment */
	ORDER_SHIPPED,   /* handed to the shipping company */
	ORDER_DELIVERED, /* received */
	ORDER_CANCELLED, /* final */
	ORDER_REFUNDED,  /* final */
	ORDER__MAX
};

/* customers.status (the schema's ENUM spells the same names). */
enum customer_status {
	CUSTOMER_PENDING,     /* registered, waiting for a representative */
	CUSTOMER_APPROVED,    /* the only status that may use the shop */
	CUSTOMER_DENIED,      /* a representative refused the registration */
	CUSTOMER_CANCELLED,   /* a representative ended the access */
	CUSTOMER_DEACTIVATED, /* the customer closed the account; can be reactivated */
	CUSTOMER_DELETED,     /* the customer asked for erasure: final */
	CUSTOMER__MAX
};

/* The status's name as the database spells it; NULL when out of range. */
const char *order_status_name(enum order_status s);
/* Parses a status name (NULL allowed). Returns the status, or -1 when s names none. */
int order_status_parse(const char *s);
/* True when an order may change from `from` to `to` (never to itself). */
bool order_status_allowed(enum order_status from, enum order_status to);
/*
 * The statuses from may become, as an English list in lifecycle order
 * ("shipped, cancelled or refunded"); NULL when from is final.
 */
const char *order_status_next_text(enum order_status from);
/* True for a final status (nothing may follow it). */
bool order_status_is_final(enum order_status s);
/* True when moving from `from` to `to` gives back money already taken (billing refunds it). */
bool order_status_needs_refund(enum order_status from, enum order_status to);
/* True when the customer is sent a message on reaching s (mail kind "order_<name>"). */
bool order_status_tells_customer(enum order_status s);

/* The status's name as the database spells it; NULL when out of range. */
const char *customer_status_name(enum customer_status s);
/* Parses a status name (NULL allowed). Returns the status, or -1 when s names none. */
int customer_status_parse(const char *s);
/* Parses a status read from the database: CUSTOMER__MAX (may do nothing) when s names none. */
enum customer_status customer_status_of(const char *s);
/* True when an account may change from `from` to `to` (never to itself). */
bool customer_status_allowed(enum customer_status from, enum customer_status to);
/*
 * The statuses an account may come from to reach to, as an English list
 * ("pending, denied, cancelled or deactivated"); NULL when none.
 */
const char *customer_status_prev_text(enum customer_status to);

#endif
