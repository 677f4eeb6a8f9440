import { anyObject, array, boolean, number, object, oneOf, string, type Shape } from "./check.js";

// Clerk Billing's objects as the webhooks spec (openapi-specs webhooks/2025-04-15.yml)
// and the Backend API spec (bapi/2026-05-12.yml) describe them. A field is
// required where the spec requires it, nullable where any source (spec, SDK
// types, Backend API versions) allows null, and optional where the spec does
// not require it. Fields not named are tolerated, so the SDK's older fields
// (credit, lifetime_paid, next_payment_*) and new ones pass through unread.

const str = string;
const num = number;
const optionalString = () => string().optionalField().nullableField();
const optionalNumber = () => number().optionalField().nullableField();

/**
 * The payer (BillingPayerEventPayload, the Backend API's CommercePayerResponse).
 * The webhooks spec requires the user and organization fields as strings and
 * its examples send "" for those that do not apply; the SDK makes them
 * optional and the Backend API (since 2025-11-10) sends null. All three pass.
 */
export const payerShape: Shape = {
  id: str(), // cpayer_...
  user_id: optionalString(),
  organization_id: optionalString(),
  first_name: optionalString(),
  last_name: optionalString(),
  email: optionalString(),
  organization_name: optionalString(),
  image_url: optionalString(),
  created_at: optionalNumber(),
  updated_at: optionalNumber(),
};

/** The small plan inside item events (BillingSubscriptionItemEventPlan): no features. */
export const eventPlanShape: Shape = {
  id: str(),
  slug: str(),
  name: str(),
  is_recurring: boolean(),
  amount: num(),
  currency: str(),
  unit_prices: array(anyObject()).optionalField(),
};

/** A feature of a Backend API plan (FeatureResponse). */
export const featureShape: Shape = {
  id: str(),
  slug: str(),
  name: str(),
  description: optionalString(),
  avatar_url: optionalString(),
};

const money = () => object({ amount: num(), currency: str() }).nullableField();

/** A Backend API plan (CommercePlan), from GET /billing/plans or inside a listed item. */
export const planShape: Shape = {
  id: str(), // cplan_...
  slug: str(),
  name: str(),
  fee: money(),
  annual_monthly_fee: money(),
  annual_fee: money(),
  description: optionalString(),
  is_default: boolean(),
  is_recurring: boolean(),
  publicly_visible: boolean(),
  has_base_fee: boolean(),
  for_payer_type: str(), // "user" | "org"
  avatar_url: optionalString(),
  free_trial_enabled: boolean(),
  free_trial_days: optionalNumber(),
  features: array(object(featureShape)).optionalField(),
  unit_prices: array(anyObject()).optionalField(),
};

/**
 * A subscription item as the webhooks send it (BillingSubscriptionItemEventPayload):
 * standalone in subscriptionItem.* (with `payer` and `subscription_id`), or
 * nested in a subscription event's `items` (payer omitted, subscription_id null).
 */
export const eventItemShape: Shape = {
  id: str(), // csub_item_...
  object: str(), // "commerce_subscription_item", or "subscription_item" in Clerk's own examples: never branched on
  status: str(),
  is_free_trial: boolean(),
  created_at: num(),
  updated_at: num(),
  period_start: num(),
  period_end: num().nullableField(), // null for the default (free) plan
  interval: str(),
  plan_id: str().nullableField(),
  plan: object(eventPlanShape).nullableField(),
  subscription_id: str().nullableField(),
  payer: object(payerShape).optionalField().nullableField(),
  seats: object({ quantity: num().nullableField() }).optionalField().nullableField(),
};

/**
 * A subscription item as the Backend API lists it (CommerceSubscriptionItem):
 * `plan_period` for `interval`, the full plan with features, no
 * `subscription_id`, and `created_at`/`updated_at` optional.
 */
export const backendItemShape: Shape = {
  id: str(),
  object: str(),
  status: str(),
  plan_id: str().nullableField(),
  plan_period: str(),
  payer_id: str(),
  is_free_trial: boolean(),
  period_start: num(),
  period_end: num().nullableField(),
  canceled_at: num().nullableField(),
  past_due_at: num().nullableField(),
  ended_at: num().nullableField(),
  plan: object(planShape).optionalField().nullableField(),
  payer: object(payerShape).optionalField().nullableField(),
  created_at: optionalNumber(),
  updated_at: optionalNumber(),
};

/** Either shape: subscriptionItems take both, from webhooks and from reconcile. */
export const itemSpec = oneOf({
  "a webhook item": object(eventItemShape),
  "a Backend API item": object(backendItemShape),
});

/**
 * The subscription of subscription.* events (SubscriptionEventPayload): all
 * fourteen fields are required by the spec; the SDK makes the four timestamps
 * optional, so they are here.
 */
export const subscriptionShape: Shape = {
  id: str(), // csub_...
  object: str(),
  status: str(),
  active_at: optionalNumber(),
  canceled_at: optionalNumber(),
  ended_at: optionalNumber(),
  past_due_at: optionalNumber(),
  created_at: num(),
  updated_at: num(),
  latest_payment_id: str().nullableField(),
  payment_source_id: str().nullableField(),
  payer_id: str(),
  payer: object(payerShape),
  items: array(object(eventItemShape)),
};
