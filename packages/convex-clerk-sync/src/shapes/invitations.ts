import { anyObject, boolean, number, object, string, type Shape } from "./check.js";

const optionalString = () => string().optionalField().nullableField();

/** Public organization data, which the spec nests under `data` and the SDK and Backend API put at the top. */
const publicOrganizationShape: Shape = {
  id: string(),
  name: optionalString(),
  slug: optionalString(),
  image_url: optionalString(),
  has_image: boolean().optionalField().nullableField(),
};

/**
 * An organization invitation (webhooks spec OrganizationInvitation, Backend
 * API OrganizationInvitation). The spec requires `inviter_id` and
 * `public_inviter_data`, but Clerk's own examples and SDK types have neither,
 * so both are optional; `organization_id`, `status` and `private_metadata`
 * are not required by the spec. `user_id` comes only with
 * organizationInvitation.accepted.
 */
export const invitationShape: Shape = {
  id: string(), // orginv_...
  object: string(),
  email_address: string(),
  role: string(),
  role_name: string(),
  organization_id: optionalString(),
  status: optionalString(), // "pending" | "accepted" | "revoked" | "expired"
  public_metadata: anyObject().nullableField(),
  private_metadata: anyObject().optionalField().nullableField(),
  url: string().nullableField(),
  expires_at: number().nullableField(),
  created_at: number(),
  updated_at: number(),
  inviter_id: optionalString(),
  public_inviter_data: anyObject().optionalField().nullableField(),
  user_id: optionalString(),
  public_organization_data: object(publicOrganizationShape).optionalField().nullableField(),
  data: object({ public_organization_data: object(publicOrganizationShape).optionalField().nullableField() })
    .optionalField()
    .nullableField(),
};
