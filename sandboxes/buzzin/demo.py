"""The community the CLI serves when no config file names one (ids as in the contract's examples)."""

from __future__ import annotations

DEMO_API_KEY = "sandbox-buzzin-key"

DEMO_COMMUNITY = {
    "communityId": "66e000000000000000000001",
    "apiKey": DEMO_API_KEY,
    "name": "Sandbox Hills",
    "properties": [
        {
            "externalId": "DAMAC-TWR-07",
            "_id": "66e0000000000000000000a1",
            "flats": [
                {"externalId": "UNIT-0712", "_id": "66e0000000000000000000b2"},
                {"externalId": "UNIT-0713", "_id": "66e0000000000000000000b3"},
                {"externalId": "UNIT-0714", "_id": "66e0000000000000000000b4"},
            ],
        },
        {
            "externalId": "DAMAC-TWR-08",
            "_id": "66e0000000000000000000a2",
            "flats": [
                {"externalId": "UNIT-0801", "_id": "66e0000000000000000000c1"},
                {"externalId": "UNIT-0802", "_id": "66e0000000000000000000c2"},
            ],
        },
    ],
}
