"""django-import-export resources: reference data in and out of Excel/CSV by natural keys."""

from import_export import fields, resources, widgets

from .models import Dimension, Province, Score, SubDimension


class AllOrNothingResource(resources.ModelResource):
    """A file is saved whole or not at all: django-import-export otherwise keeps the good
    rows of a file in which another row failed validation."""

    def import_data(self, dataset, **kwargs):
        kwargs.setdefault("use_transactions", True)
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)


class ProvinceResource(AllOrNothingResource):
    successor = fields.Field(attribute="successor", column_name="successor", widget=widgets.ForeignKeyWidget(Province, "code"))

    class Meta:
        model = Province
        import_id_fields = ["code"]
        fields = ["code", "name", "name_en", "kind", "valid_from", "valid_until", "successor"]
        skip_unchanged = True


class DimensionResource(AllOrNothingResource):
    class Meta:
        model = Dimension
        import_id_fields = ["code"]
        fields = ["code", "number", "name_vi", "name_en", "since_year", "until_year", "verified", "unverified_fields", "note"]
        skip_unchanged = True


class SubDimensionResource(AllOrNothingResource):
    dimension = fields.Field(attribute="dimension", column_name="dimension", widget=widgets.ForeignKeyWidget(Dimension, "code"))

    class Meta:
        model = SubDimension
        import_id_fields = ["code"]
        fields = ["code", "dimension", "name_vi", "name_en", "since_year", "until_year", "verified", "unverified_fields", "note"]
        skip_unchanged = True


class ScoreResource(resources.ModelResource):
    """Export only (ScoreAdmin offers no import): scores are written by indicators.score_import."""

    province = fields.Field(attribute="province", column_name="province", widget=widgets.ForeignKeyWidget(Province, "code"))
    dimension = fields.Field(attribute="dimension", column_name="dimension", widget=widgets.ForeignKeyWidget(Dimension, "code"))
    sub_dimension = fields.Field(
        attribute="sub_dimension", column_name="sub_dimension", widget=widgets.ForeignKeyWidget(SubDimension, "code")
    )

    class Meta:
        model = Score
        fields = ["province", "year", "dimension", "sub_dimension", "value", "rank", "group"]
