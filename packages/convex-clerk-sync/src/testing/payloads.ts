// Clerk's example events (from Clerk's webhook spec and docs), as the runtime
// receives them: {type, data, ...}. Copied from the repository's fixtures;
// generated once, not read at build time.
/* eslint-disable */

export const payloads = {
  "user.created": {
    "event_attributes": {
      "http_request": {
        "client_ip": "192.168.1.100",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "object": "event",
    "type": "user.created",
    "instance_id": "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
    "timestamp": 1716883200,
    "data": {
      "object": "user",
      "id": "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "external_id": null,
      "primary_email_address_id": "idn_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "primary_phone_number_id": null,
      "primary_web3_wallet_id": null,
      "username": null,
      "first_name": "John",
      "last_name": "Doe",
      "profile_image_url": "https://img.clerk.com/xxxxxx",
      "image_url": "https://img.clerk.com/xxxxxx",
      "has_image": true,
      "public_metadata": {},
      "private_metadata": null,
      "unsafe_metadata": {},
      "email_addresses": [],
      "phone_numbers": [],
      "web3_wallets": [],
      "passkeys": [],
      "password_enabled": true,
      "two_factor_enabled": false,
      "totp_enabled": false,
      "backup_code_enabled": false,
      "mfa_enabled_at": null,
      "mfa_disabled_at": null,
      "external_accounts": [],
      "saml_accounts": [],
      "enterprise_accounts": [],
      "last_sign_in_at": 1716883200000,
      "banned": false,
      "locked": false,
      "lockout_expires_in_seconds": null,
      "verification_attempts_remaining": null,
      "updated_at": 1716883200000,
      "created_at": 1716883200000,
      "delete_self_enabled": true,
      "create_organization_enabled": true,
      "create_organizations_limit": null,
      "last_active_at": 1716883200000,
      "legal_accepted_at": 1716883200000
    }
  },
  "user.updated": {
    "event_attributes": {
      "http_request": {
        "client_ip": "192.168.1.100",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "object": "event",
    "type": "user.updated",
    "instance_id": "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
    "timestamp": 1716883200,
    "data": {
      "object": "user",
      "id": "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "external_id": null,
      "primary_email_address_id": "idn_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "primary_phone_number_id": null,
      "primary_web3_wallet_id": null,
      "username": "johndoe",
      "first_name": "John",
      "last_name": "Doe Updated",
      "profile_image_url": "https://img.clerk.com/yyyyy",
      "image_url": "https://img.clerk.com/yyyyy",
      "has_image": true,
      "public_metadata": {
        "department": "engineering"
      },
      "private_metadata": null,
      "unsafe_metadata": {},
      "email_addresses": [],
      "phone_numbers": [],
      "web3_wallets": [],
      "passkeys": [],
      "password_enabled": true,
      "two_factor_enabled": true,
      "totp_enabled": true,
      "backup_code_enabled": false,
      "mfa_enabled_at": 1716883200000,
      "mfa_disabled_at": null,
      "external_accounts": [],
      "saml_accounts": [],
      "enterprise_accounts": [],
      "last_sign_in_at": 1716883400000,
      "banned": false,
      "locked": false,
      "lockout_expires_in_seconds": null,
      "verification_attempts_remaining": null,
      "updated_at": 1716883500000,
      "created_at": 1716883200000,
      "delete_self_enabled": true,
      "create_organization_enabled": true,
      "create_organizations_limit": null,
      "last_active_at": 1716883500000,
      "legal_accepted_at": 1716883200000
    }
  },
  "user.deleted": {
    "event_attributes": {
      "http_request": {
        "client_ip": "192.168.1.100",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "object": "event",
    "type": "user.deleted",
    "instance_id": "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
    "timestamp": 1716883200,
    "data": {
      "object": "user",
      "id": "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "deleted": true,
      "external_id": "ex_123456789"
    }
  },
  "organization.created": {
    "data": {
      "created_at": 1654013202977,
      "created_by": "user_1vq84bqWzw7qmFgqSwN4CH1Wp0n",
      "id": "org_29w9IfBrPmcpi0IeBVaKtA7R94W",
      "image_url": "https://img.clerk.com/xxxxxx",
      "logo_url": "https://example.org/example.png",
      "name": "Acme Inc",
      "object": "organization",
      "public_metadata": {},
      "slug": "acme-inc",
      "updated_at": 1654013202977
    },
    "event_attributes": {
      "http_request": {
        "client_ip": "0.0.0.0",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "object": "event",
    "timestamp": 1654013202977,
    "type": "organization.created"
  },
  "organization.updated": {
    "data": {
      "created_at": 1654013202977,
      "created_by": "user_1vq84bqWzw7qmFgqSwN4CH1Wp0n",
      "id": "org_29w9IfBrPmcpi0IeBVaKtA7R94W",
      "image_url": "https://img.clerk.com/xxxxxx",
      "logo_url": "https://example.com/example.png",
      "name": "Acme Inc",
      "object": "organization",
      "public_metadata": {},
      "slug": "acme-inc",
      "updated_at": 1654013466465
    },
    "event_attributes": {
      "http_request": {
        "client_ip": "",
        "user_agent": ""
      }
    },
    "object": "event",
    "timestamp": 1654013466465,
    "type": "organization.updated"
  },
  "organization.deleted": {
    "data": {
      "deleted": true,
      "id": "org_29w9IfBrPmcpi0IeBVaKtA7R94W",
      "object": "organization"
    },
    "event_attributes": {
      "http_request": {
        "client_ip": "",
        "user_agent": ""
      }
    },
    "object": "event",
    "timestamp": 1661861640000,
    "type": "organization.deleted"
  },
  "organizationMembership.created": {
    "data": {
      "created_at": 1654013203217,
      "id": "orgmem_29w9IptNja3mP8GDXpquBwN2qR9",
      "object": "organization_membership",
      "organization": {
        "created_at": 1654013202977,
        "created_by": "user_1vq84bqWzw7qmFgqSwN4CH1Wp0n",
        "id": "org_29w9IfBrPmcpi0IeBVaKtA7R94W",
        "image_url": "https://img.clerk.com/xxxxxx",
        "logo_url": "https://example.com/example.png",
        "name": "Acme Inc",
        "object": "organization",
        "public_metadata": {},
        "slug": "acme-inc",
        "updated_at": 1654013202977
      },
      "public_user_data": {
        "first_name": "Example",
        "identifier": "example@example.org",
        "image_url": "https://img.clerk.com/xxxxxx",
        "last_name": "Example",
        "profile_image_url": "https://www.gravatar.com/avatar?d=mp",
        "user_id": "user_29w83sxmDNGwOuEthce5gg56FcC"
      },
      "role": "admin",
      "updated_at": 1654013203217
    },
    "event_attributes": {
      "http_request": {
        "client_ip": "0.0.0.0",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "object": "event",
    "timestamp": 1654013203217,
    "type": "organizationMembership.created"
  },
  "organizationMembership.updated": {
    "data": {
      "created_at": 1654013847054,
      "id": "orgmem_29wAbjiJs6aZuPq7AzmkW9dwmyl",
      "object": "organization_membership",
      "organization": {
        "created_at": 1654013202977,
        "created_by": "user_1vq84bqWzw7qmFgqSwN4CH1Wp0n",
        "id": "org_29w9IfBrPmcpi0IeBVaKtA7R94W",
        "image_url": "https://img.clerk.com/xxxxxx",
        "logo_url": null,
        "name": "Acme Inc",
        "object": "organization",
        "public_metadata": {},
        "slug": "acme-inc",
        "updated_at": 1654013567994
      },
      "public_user_data": {
        "first_name": null,
        "identifier": "example@example.org",
        "image_url": "https://img.clerk.com/xxxxxx",
        "last_name": null,
        "profile_image_url": "https://www.gravatar.com/avatar?d=mp",
        "user_id": "user_29wACSk1DjeUCwsS6SbbgIgilMy"
      },
      "role": "basic_member",
      "updated_at": 1654013910646
    },
    "event_attributes": {
      "http_request": {
        "client_ip": "0.0.0.0",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "object": "event",
    "timestamp": 1654013910646,
    "type": "organizationMembership.updated"
  },
  "organizationMembership.deleted": {
    "data": {
      "created_at": 1654013847054,
      "id": "orgmem_29wAbjiJs6aZuPq7AzmkW9dwmyl",
      "object": "organization_membership",
      "organization": {
        "created_at": 1654013202977,
        "created_by": "user_1vq84bqWzw7qmFgqSwN4CH1Wp0n",
        "id": "org_29w9IfBrPmcpi0IeBVaKtA7R94W",
        "image_url": "https://img.clerk.com/xxxxxx",
        "logo_url": null,
        "name": "Acme Inc",
        "object": "organization",
        "public_metadata": {},
        "slug": "acme-inc",
        "updated_at": 1654013567994
      },
      "public_user_data": {
        "first_name": null,
        "identifier": "example@example.org",
        "image_url": "https://img.clerk.com/xxxxxx",
        "last_name": null,
        "profile_image_url": "https://www.gravatar.com/avatar?d=mp",
        "user_id": "user_29wACSk1DjeUCwsS6SbbgIgilMy"
      },
      "role": "basic_member",
      "updated_at": 1654013847054
    },
    "event_attributes": {
      "http_request": {
        "client_ip": "0.0.0.0",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "object": "event",
    "timestamp": 1654013847054,
    "type": "organizationMembership.deleted"
  },
  "role.created": {
    "type": "role.created",
    "object": "event",
    "timestamp": 1716883200,
    "instance_id": "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
    "event_attributes": {
      "http_request": {
        "client_ip": "192.168.1.100",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "data": {
      "object": "role",
      "id": "role_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "name": "Content Manager",
      "key": "org:content_manager",
      "description": "Can manage all content in the organization",
      "is_creator_eligible": false,
      "permissions": [
        {
          "object": "permission",
          "id": "perm_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
          "name": "Create Posts",
          "key": "org:posts:create",
          "description": "Ability to create new posts in the organization",
          "type": "custom",
          "created_at": 1716883200000,
          "updated_at": 1716883200000
        }
      ],
      "created_at": 1716883200000,
      "updated_at": 1716883200000
    }
  },
  "role.updated": {
    "type": "role.updated",
    "object": "event",
    "timestamp": 1716883200,
    "instance_id": "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
    "event_attributes": {
      "http_request": {
        "client_ip": "192.168.1.100",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "data": {
      "object": "role",
      "id": "role_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "name": "Editor",
      "key": "editor",
      "description": "Can edit and publish content",
      "permissions": [
        {
          "object": "permission",
          "id": "perm_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
          "name": "Edit Posts",
          "key": "org:posts:edit",
          "description": "Ability to edit posts in the organization",
          "type": "custom",
          "created_at": 1716883200000,
          "updated_at": 1716883200000
        },
        {
          "object": "permission",
          "id": "perm_2g7np7Hrk0SN6kj5EDMLDaKNL0T",
          "name": "Publish Posts",
          "key": "org:posts:publish",
          "description": "Ability to publish posts in the organization",
          "type": "custom",
          "created_at": 1716883200000,
          "updated_at": 1716883200000
        }
      ],
      "created_at": 1716883200000,
      "updated_at": 1716883500000
    }
  },
  "role.deleted": {
    "type": "role.deleted",
    "object": "event",
    "timestamp": 1716883200,
    "instance_id": "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
    "event_attributes": {
      "http_request": {
        "client_ip": "192.168.1.100",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "data": {
      "object": "role",
      "id": "role_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "slug": null
    }
  },
  "permission.created": {
    "type": "permission.created",
    "object": "event",
    "timestamp": 1716883200,
    "instance_id": "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
    "event_attributes": {
      "http_request": {
        "client_ip": "192.168.1.100",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "data": {
      "object": "permission",
      "id": "perm_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "name": "Create Posts",
      "key": "org:posts:create",
      "description": "Ability to create new posts in the organization",
      "type": "custom",
      "created_at": 1716883200000,
      "updated_at": 1716883200000
    }
  },
  "permission.updated": {
    "type": "permission.updated",
    "object": "event",
    "timestamp": 1716883200,
    "instance_id": "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
    "event_attributes": {
      "http_request": {
        "client_ip": "192.168.1.100",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "data": {
      "object": "permission",
      "id": "perm_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "name": "Create and Edit Posts",
      "key": "org:posts:create",
      "description": "Ability to create and edit posts in the organization",
      "type": "custom",
      "created_at": 1716883200000,
      "updated_at": 1716883500000
    }
  },
  "permission.deleted": {
    "type": "permission.deleted",
    "object": "event",
    "timestamp": 1716883200,
    "instance_id": "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
    "event_attributes": {
      "http_request": {
        "client_ip": "192.168.1.100",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "data": {
      "object": "permission",
      "id": "perm_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "deleted": true
    }
  },
  "subscription.created": {
    "type": "subscription.created",
    "object": "event",
    "timestamp": 1716883200,
    "instance_id": "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
    "event_attributes": {
      "http_request": {
        "client_ip": "192.168.1.100",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "data": {
      "object": "commerce_subscription",
      "id": "csub_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "status": "active",
      "active_at": 1716883200000,
      "canceled_at": null,
      "created_at": 1716883200000,
      "ended_at": null,
      "past_due_at": null,
      "updated_at": 1716883200000,
      "latest_payment_id": "cpa_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "payer_id": "cpayer_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "payer": {
        "object": "commerce_payer",
        "id": "cpayer_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
        "user_id": "user_34D368EufHwugfYh4yyGNEheM0S",
        "first_name": "Test",
        "last_name": "User",
        "email": "test@example.com",
        "organization_id": "",
        "organization_name": "",
        "image_url": "https://img.clerk.com/xxxxxx",
        "created_at": 1716883200000,
        "updated_at": 1716883200000
      },
      "payment_source_id": "cps_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "items": [
        {
          "object": "commerce_subscription_item",
          "id": "csub_item_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
          "status": "active",
          "is_free_trial": false,
          "created_at": 1716883200000,
          "updated_at": 1716883200000,
          "period_start": 1716883200000,
          "period_end": 1719561600000,
          "interval": "month",
          "plan_id": "cplan_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
          "plan": {
            "id": "cplan_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
            "slug": "pro-plan",
            "name": "Pro Plan",
            "is_recurring": true,
            "amount": 2000,
            "currency": "USD",
            "unit_prices": [
              {
                "name": "seats",
                "block_size": 1,
                "tiers": [
                  {
                    "starts_at_block": 1,
                    "ends_after_block": 5,
                    "amount_per_block": 0,
                    "currency": "USD"
                  }
                ]
              }
            ]
          },
          "seats": {
            "quantity": 5
          },
          "subscription_id": null
        }
      ]
    }
  },
  "subscriptionItem.active": {
    "type": "subscriptionItem.active",
    "object": "event",
    "timestamp": 1716883200,
    "instance_id": "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
    "event_attributes": {
      "http_request": {
        "client_ip": "192.168.1.100",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "data": {
      "object": "subscription_item",
      "id": "csub_item_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "status": "active",
      "is_free_trial": false,
      "created_at": 1716883200000,
      "updated_at": 1716883200000,
      "period_start": 1716883200000,
      "period_end": null,
      "interval": "month",
      "plan_id": "cplan_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "plan": {
        "id": "cplan_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
        "slug": "free-plan",
        "name": "Free Plan",
        "is_recurring": false,
        "amount": 0,
        "currency": "USD",
        "unit_prices": [
          {
            "name": "seats",
            "block_size": 1,
            "tiers": [
              {
                "starts_at_block": 1,
                "ends_after_block": 5,
                "amount_per_block": 0,
                "currency": "USD"
              }
            ]
          }
        ]
      },
      "seats": {
        "quantity": 5
      },
      "payer": {
        "object": "commerce_payer",
        "id": "cpayer_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
        "user_id": "user_34D368EufHwugfYh4yyGNEheM0S",
        "first_name": "Test",
        "last_name": "User",
        "email": "test@example.com",
        "organization_id": "",
        "organization_name": "",
        "image_url": "https://img.clerk.com/xxxxxx",
        "created_at": 1716883200000,
        "updated_at": 1716883200000
      },
      "subscription_id": "csub_2g7np7Hrk0SN6kj5EDMLDaKNL0S"
    }
  },
  "subscriptionItem.canceled": {
    "type": "subscriptionItem.canceled",
    "object": "event",
    "timestamp": 1716883200,
    "instance_id": "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
    "event_attributes": {
      "http_request": {
        "client_ip": "192.168.1.100",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "data": {
      "object": "subscription_item",
      "id": "csub_item_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "status": "canceled",
      "is_free_trial": false,
      "created_at": 1716883200000,
      "updated_at": 1716969600000,
      "period_start": 1716883200000,
      "period_end": 1719561600000,
      "interval": "month",
      "plan_id": "cplan_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "plan": {
        "id": "cplan_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
        "slug": "pro-plan",
        "name": "Pro Plan",
        "is_recurring": true,
        "amount": 2000,
        "currency": "USD"
      },
      "payer": {
        "object": "commerce_payer",
        "id": "cpayer_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
        "user_id": "user_34D368EufHwugfYh4yyGNEheM0S",
        "first_name": "Test",
        "last_name": "User",
        "email": "test@example.com",
        "organization_id": "",
        "organization_name": "",
        "image_url": "https://img.clerk.com/xxxxxx",
        "created_at": 1716883200000,
        "updated_at": 1716883200000
      },
      "subscription_id": "csub_2g7np7Hrk0SN6kj5EDMLDaKNL0S"
    }
  },
  "organizationInvitation.created": {
    "type": "organizationInvitation.created",
    "object": "event",
    "timestamp": 1716883200,
    "instance_id": "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
    "event_attributes": {
      "http_request": {
        "client_ip": "192.168.1.100",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "data": {
      "object": "organization_invitation",
      "id": "orginv_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "email_address": "jane.doe@acme.com",
      "role": "org:member",
      "role_name": "Member",
      "organization_id": "org_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "status": "pending",
      "public_metadata": {},
      "private_metadata": {},
      "url": "https://accounts.acme.com/accept-invitation?token=abc123",
      "expires_at": 1717487999000,
      "created_at": 1716883200000,
      "updated_at": 1716883200000
    }
  },
  "organizationInvitation.accepted": {
    "type": "organizationInvitation.accepted",
    "object": "event",
    "timestamp": 1716883200,
    "instance_id": "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
    "event_attributes": {
      "http_request": {
        "client_ip": "192.168.1.100",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "data": {
      "object": "organization_invitation",
      "id": "orginv_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "email_address": "jane.doe@acme.com",
      "role": "org:member",
      "role_name": "Member",
      "organization_id": "org_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "status": "accepted",
      "public_metadata": {},
      "private_metadata": {},
      "url": "https://accounts.acme.com/accept-invitation?token=abc123",
      "user_id": "user_2h8op3Isl1QR7tKu5FGNfaLKEoU",
      "expires_at": 1717487999000,
      "created_at": 1716883200000,
      "updated_at": 1716883500000
    }
  },
  "organizationInvitation.revoked": {
    "type": "organizationInvitation.revoked",
    "object": "event",
    "timestamp": 1716883200,
    "instance_id": "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
    "event_attributes": {
      "http_request": {
        "client_ip": "192.168.1.100",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
      }
    },
    "data": {
      "object": "organization_invitation",
      "id": "orginv_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "email_address": "jane.doe@acme.com",
      "role": "org:member",
      "role_name": "Member",
      "organization_id": "org_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      "status": "revoked",
      "public_metadata": {},
      "private_metadata": {},
      "url": "https://accounts.acme.com/accept-invitation?token=abc123",
      "expires_at": 1717487999000,
      "created_at": 1716883200000,
      "updated_at": 1716883500000
    }
  },
} satisfies Record<string, { type: string; data: unknown; [field: string]: unknown }>;
