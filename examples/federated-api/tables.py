"""The authorizer's two DynamoDB tables, created and seeded with boto3 (ministack or real AWS)."""

# Which departments may call each resource (the walkthrough's rule: /blog for IT and Finance).
RESOURCE_RULES = {"/blog": ["IT", "Finance"], "/payroll": ["HR", "Finance"]}


def create_tables(dynamodb, resources_table: str = "ApiResources", quota_table: str = "ApiQuota",
                  rules: dict[str, list[str]] = RESOURCE_RULES) -> None:
    """`dynamodb` is a boto3 DynamoDB resource."""
    for name, key in ((resources_table, "Resource"), (quota_table, "PrincipalId")):
        table = dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                                      KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                                      AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}])
        table.wait_until_exists()
    # Expired quota items disappear by themselves on real DynamoDB (the authorizer also checks TTL).
    dynamodb.meta.client.update_time_to_live(TableName=quota_table,
                                             TimeToLiveSpecification={"Enabled": True, "AttributeName": "TTL"})
    for resource, departments in rules.items():
        dynamodb.Table(resources_table).put_item(Item={"Resource": resource, "Departments": departments})
