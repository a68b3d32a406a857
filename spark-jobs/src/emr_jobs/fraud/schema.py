"""The claim record: the columns the fraud job reads and the types they parse to."""

from pyspark.sql.types import DataType, DateType, DoubleType, StringType, TimestampType

REQUIRED_COLUMNS = (
    "claim_id",
    "patient_id",
    "provider_id",
    "procedure_code",
    "charge_amount",
    "service_date",
    "submitted_at",
    "patient_state",
    "provider_state",
)
COORDINATE_COLUMNS = ("patient_lat", "patient_lon", "provider_lat", "provider_lon")

# Declared types: parquet input is read with them; csv and json text is parsed to them.
CLAIM_COLUMNS: dict[str, DataType] = {
    "claim_id": StringType(),
    "patient_id": StringType(),
    "provider_id": StringType(),
    "procedure_code": StringType(),
    "charge_amount": DoubleType(),
    "service_date": DateType(),
    "submitted_at": TimestampType(),
    "patient_state": StringType(),
    "provider_state": StringType(),
    **{name: DoubleType() for name in COORDINATE_COLUMNS},
}
