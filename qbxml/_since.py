"""Which qbXML version introduced each request, request element and Ret child used here.

Derived from Intuit's OSR sample ``qbxmlops140.xml`` (its ``vN.N`` annotations; no annotation
means 1.0) and the 13.0/16.0 XSDs: a Ret child absent from the 14.0 OSR is dated 13.0 when the
13.0 XSD has it, else 16.0 (the first schema we hold that has it).
``tests/qbxml/test_since.py`` re-derives this table from those files. Pure data.
"""

from __future__ import annotations

from .versions import QbxmlVersion, parse_version

__all__ = [
    "ITERATOR_SINCE",
    "REQUEST_ELEMENT_SINCE",
    "REQUEST_SINCE",
    "RET_CHILDREN",
    "TXN_DEL_TYPE_SINCE",
    "ret_child_since",
]

# <XRq> annotations in qbxmlops140.xml (PreferencesQueryRq and TxnDelRq "v1.1", ListDeletedQueryRq
# "v2.0", TimeTrackingModRq "v6.0").
REQUEST_SINCE: dict[str, str] = {
    "HostQueryRq": "1.0",
    "CompanyQueryRq": "1.0",
    "PreferencesQueryRq": "1.1",
    "EmployeeQueryRq": "1.0",
    "VendorQueryRq": "1.0",
    "CustomerQueryRq": "1.0",
    "ClassQueryRq": "1.0",
    "PayrollItemWageQueryRq": "1.0",
    "ItemServiceQueryRq": "1.0",
    "OtherNameQueryRq": "1.0",
    "ListDeletedQueryRq": "2.0",
    "TimeTrackingAddRq": "1.0",
    "TimeTrackingModRq": "6.0",
    "TimeTrackingQueryRq": "1.0",
    "TxnDelRq": "1.1",
}

# Request elements newer than their request (OSR annotations).
REQUEST_ELEMENT_SINCE: dict[str, str] = {
    "IncludeRetElement": "4.0",
    "OwnerID": "2.0",
    "BillableStatus": "6.0",
    "ExternalGUID": "9.0",
}

# The OSR does not date the iterator attributes; Intuit's SDK guide introduces iterators with
# qbXML 5.0, and the widely copied iterator examples declare 5.0. Refused below that.
ITERATOR_SINCE = "5.0"

# TxnDelType values in qbxmlops160.xsd but not in qbxmlops130.xsd (not in the 14.0 OSR either).
TXN_DEL_TYPE_SINCE: dict[str, str] = {
    "PayrollLiabilityAdjustment": "16.0",
    "PayrollPriorPayment": "16.0",
    "PayrollYearToDateAdjustment": "16.0",
}

# Direct children of each Ret in 16.0 schema order; "Name@X.Y" = introduced in X.Y (else 1.0).
_RET_CHILDREN_TEXT: dict[str, str] = {
    "HostRet": (
        "ProductName MajorVersion MinorVersion Country@3.0 SupportedQBXMLVersion "
        "IsAutomaticLogin@3.0 QBFileMode@3.0 ListMetaData@6.0"
    ),
    "CompanyRet": (
        "IsSampleCompany@3.0 CompanyName LegalCompanyName Address AddressBlock@6.0 "
        "LegalAddress CompanyAddressForCustomer CompanyAddressBlockForCustomer@6.0 Phone Fax "
        "Email CompanyEmailForCustomer CompanyWebSite FirstMonthFiscalYear "
        "FirstMonthIncomeTaxYear CompanyType EIN@2.0 SSN@2.1 TaxForm@2.1 "
        "SubscribedServices@7.0 AccountantCopy@8.0 DataExtRet@2.0"
    ),
    "PreferencesRet": (
        "AccountingPreferences FinanceChargePreferences JobsAndEstimatesPreferences "
        "MultiCurrencyPreferences@8.0 MultiLocationInventoryPreferences@10.0 "
        "PurchasesAndVendorsPreferences ReportsPreferences SalesAndCustomersPreferences "
        "SalesTaxPreferences TimeTrackingPreferences CurrentAppAccessRights "
        "ItemsAndInventoryPreferences@11.0"
    ),
    "EmployeeRet": (
        "ListID TimeCreated TimeModified EditSequence Name IsActive Salutation FirstName "
        "MiddleName LastName Suffix JobTitle@12.0 SupervisorRef@13.0 Department@13.0 "
        "Description@13.0 TargetBonus@13.0 EmployeeAddress PrintAs Phone Mobile@2.1 Pager@2.1 "
        "PagerPIN@2.1 AltPhone Fax@2.1 SSN@2.0 Email AdditionalContactRef@12.0 "
        "EmergencyContacts@13.0 EmployeeType PartOrFullTime@13.0 Exempt@13.0 KeyEmployee@13.0 "
        "Gender HiredDate OriginalHireDate@13.0 AdjustedServiceDate@13.0 ReleasedDate "
        "BirthDate@2.0 USCitizen@13.0 Ethnicity@13.0 Disabled@13.0 DisabilityDesc@13.0 "
        "OnFile@13.0 WorkAuthExpireDate@13.0 USVeteran@13.0 MilitaryStatus@13.0 AccountNumber "
        "Notes@2.1 AdditionalNotesRet@12.0 BillingRateRef@6.0 EmployeePayrollInfo@2.0 "
        "ExternalGUID@8.0 DataExtRet@2.0"
    ),
    "VendorRet": (
        "ListID TimeCreated TimeModified EditSequence Name IsActive ClassRef@12.0 "
        "IsTaxAgency@6.0 CompanyName Salutation FirstName MiddleName LastName Suffix "
        "JobTitle@12.0 VendorAddress VendorAddressBlock@6.0 ShipAddress@11.0 Phone Mobile "
        "Pager AltPhone Fax Email Cc@12.0 Contact AltContact AdditionalContactRef@12.0 "
        "ContactsRet@12.0 NameOnCheck AccountNumber Notes AdditionalNotesRet@12.0 "
        "VendorTypeRef TermsRef CreditLimit VendorTaxIdent IsVendorEligibleFor1099 Balance "
        "BillingRateRef@6.0 ExternalGUID@8.0 SalesTaxCodeRef@8.0 SalesTaxCountry@8.0 "
        "IsSalesTaxAgency@8.0 SalesTaxReturnRef@8.0 TaxRegistrationNumber@8.0 "
        "ReportingPeriod@8.0 IsTaxTrackedOnPurchases@8.0 TaxOnPurchasesAccountRef@8.0 "
        "IsTaxTrackedOnSales@8.0 TaxOnSalesAccountRef@8.0 IsTaxOnTax@8.0 "
        "PrefillAccountRef@8.0 CurrencyRef@8.0 DataExtRet@2.0"
    ),
    "CustomerRet": (
        "ListID TimeCreated TimeModified EditSequence Name FullName IsActive ClassRef@12.0 "
        "ParentRef Sublevel CompanyName Salutation FirstName MiddleName LastName Suffix "
        "JobTitle@12.0 BillAddress BillAddressBlock@6.0 ShipAddress ShipAddressBlock@6.0 "
        "ShipToAddress@12.0 PrintAs Phone Mobile Pager AltPhone Fax Email Cc@12.0 Contact "
        "AltContact AdditionalContactRef@12.0 ContactsRet@12.0 CustomerTypeRef TermsRef "
        "SalesRepRef Balance TotalBalance SalesTaxCodeRef ItemSalesTaxRef SalesTaxCountry@6.0 "
        "ResaleNumber AccountNumber CreditLimit PreferredPaymentMethodRef@3.0 "
        "CreditCardInfo@3.0 JobStatus JobStartDate JobProjectedEndDate JobEndDate JobDesc "
        "JobTypeRef Notes AdditionalNotesRet@12.0 IsStatementWithParent DeliveryMethod "
        "PreferredDeliveryMethod@12.0 PriceLevelRef@4.0 ExternalGUID@8.0 "
        "TaxRegistrationNumber@8.0 CurrencyRef@8.0 DataExtRet@2.0"
    ),
    "ClassRet": (
        "ListID TimeCreated TimeModified EditSequence Name FullName IsActive ParentRef Sublevel"
    ),
    "PayrollItemWageRet": (
        "ListID TimeCreated TimeModified EditSequence Name IsActive WageType "
        "PayrollItemDetailTypeValue@16.0 ExpenseAccountRef@2.0 OvertimeMultiplier@16.0 "
        "Rate@16.0 RatePercent@16.0"
    ),
    "ItemServiceRet": (
        "ListID TimeCreated TimeModified EditSequence Name FullName BarCodeValue@12.0 "
        "IsActive ClassRef@12.0 ParentRef Sublevel UnitOfMeasureSetRef@7.0 IsTaxIncluded@6.0 "
        "SalesTaxCodeRef SalesOrPurchase SalesAndPurchase ExternalGUID@8.0 DataExtRet@2.0"
    ),
    "OtherNameRet": (
        "ListID TimeCreated TimeModified EditSequence Name IsActive CompanyName Salutation "
        "FirstName MiddleName LastName OtherNameAddress OtherNameAddressBlock@6.0 Phone "
        "AltPhone Fax Email Contact AltContact AccountNumber Notes@3.0 ExternalGUID@8.0 "
        "DataExtRet@2.0"
    ),
    "ListDeletedRet": ("ListDelType ListID TimeCreated TimeDeleted FullName"),
    "TimeTrackingRet": (
        "TxnID TimeCreated TimeModified EditSequence TxnNumber TxnDate EntityRef CustomerRef "
        "ItemServiceRef Rate Duration ClassRef PayrollItemWageRef Notes BillableStatus@6.0 "
        "ExternalGUID@9.0"
    ),
}


def _parse_children(text: str) -> dict[str, QbxmlVersion]:
    out: dict[str, QbxmlVersion] = {}
    for token in text.split():
        name, _, since = token.partition("@")
        out[name] = parse_version(since or "1.0")
    return out


RET_CHILDREN: dict[str, dict[str, QbxmlVersion]] = {
    ret: _parse_children(text) for ret, text in _RET_CHILDREN_TEXT.items()
}


def ret_child_since(ret: str, child: str) -> QbxmlVersion | None:
    """The version that introduced ``child`` in ``ret``, or None if ``ret`` has no such child."""
    return RET_CHILDREN.get(ret, {}).get(child)
