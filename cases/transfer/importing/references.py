"""The law data an import matches cells against (the facilities: cases.transfer.importing.facilities).

The article index and the review reasons live with the service that partner submissions share
(cases.services.review); the importer reads them from here."""

from cases.services.review import ArticleIndex, uncertain_reason, unknown_article_reason

__all__ = ["ArticleIndex", "uncertain_reason", "unknown_article_reason"]
