"""The contract's ``POST /permits`` example, for the schema (its validity must be in the future and the NOC's
issue date in the past to be accepted)."""

CREATE_PERMIT_EXAMPLE = {
    "salesforcePermitId": "a1B5g000000XYZWEAW",
    "contractorSalesforceId": "a0B5g000000ABCDEAW",
    "propertyExternalId": "DAMAC-TWR-07",
    "flatExternalId": "UNIT-0712",
    "validFrom": "2027-07-01T06:00:00.000Z",
    "validTill": "2027-07-31T18:00:00.000Z",
    "jobsSummary": "Full interior fit-out of unit 0712.",
    "noc": {
        "type": "url",
        "url": "https://files.example.com/noc-12345.pdf",
        "nocNumber": "NOC-12345",
        "issueDate": "2026-06-20",
        "expiryDate": "2027-08-20",
    },
}

CREATED_PERMIT_EXAMPLE = {
    "_id": "a1PqT7wX2mZk9LbVnR",
    "status": 10,
    "communityContractorId": "a0B5g000000ABCDEAW",
    "propertyId": "66e0000000000000000000a1",
    "flatId": "66e0000000000000000000b2",
    "validFrom": "2027-07-01T06:00:00.000Z",
    "validTill": "2027-07-31T18:00:00.000Z",
    "integrations": {
        "damac": {
            "salesforceId": "a1B5g000000XYZWEAW",
            "noc": {"document": {"publicUrl": "https://files.example.com/noc-12345.pdf"}, "nocNumber": "NOC-12345"},
        }
    },
}
