/**
 * Facts of AWS Systems Manager the review and its readers share (Systems Manager User Guide,
 * "Default Host Management Configuration").
 */

/** The service setting that turns on Default Host Management Configuration; its value names the role. */
export const DEFAULT_HOST_MANAGEMENT_SETTING = '/ssm/managed-instance/default-ec2-instance-management-role';

/** The oldest SSM Agent Default Host Management Configuration works with. */
export const DEFAULT_HOST_MANAGEMENT_AGENT = '3.2.582.0';

/** The value a service setting holds when nobody set it (`GetServiceSetting` answers it with status `Default`). */
export const UNSET_SETTING_VALUE = '$None';
