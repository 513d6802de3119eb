from .contractor import Contractor, ContractorDocument, ContractorMembership, ContractorUser

__all__ = ["Contractor", "ContractorDocument", "ContractorMembership", "ContractorUser"]
