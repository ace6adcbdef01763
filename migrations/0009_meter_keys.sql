-- The public key of a station's (calibration-law) meter, to verify OCMF-signed readings.
ALTER TABLE stations ADD COLUMN meter_public_key text;
